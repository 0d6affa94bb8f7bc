using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Cli.NodeDoctor;

/// <summary>
/// The node's certificate from enrollment, <c>&lt;data&gt;/identity/{node.crt, ca.crt, node.key}</c>: all three or none,
/// the key matching the certificate, the certificate issued by the CA, valid now and for longer than
/// <see cref="RenewWarning"/>.
/// </summary>
public static class CertificateCheck
{
    public const string Name = "certificate";

    public static readonly TimeSpan RenewWarning = TimeSpan.FromDays(7);

    public static DoctorFinding Run(string dataDirectory, bool enrollmentConfigured, DateTimeOffset now)
    {
        var identity = Path.Combine(dataDirectory, "identity");
        var cert = Path.Combine(identity, "node.crt");
        var ca = Path.Combine(identity, "ca.crt");
        var key = Path.Combine(identity, "node.key");
        if (!File.Exists(cert) && !File.Exists(ca))
        {
            return enrollmentConfigured
                ? DoctorFinding.Ok(Name, $"not enrolled yet: the first start enrolls with Node:Enrollment:Token (no {cert})")
                : DoctorFinding.Warn(Name, $"no certificate in {identity}: the node talks to the hub without mutual TLS",
                    "enroll the node: 'mesh node install --token T' for a new install, or 'mesh enroll --hub URL --token T'");
        }
        var missing = new[] { cert, ca, key }.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
            return DoctorFinding.Fail(Name, $"incomplete identity: {string.Join(", ", missing)} missing", "enroll again: 'mesh enroll --hub URL --token T'");

        X509Certificate2 node;
        try
        {
            node = X509Certificate2.CreateFromPemFile(cert, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return DoctorFinding.Fail(Name, $"{key} does not match {cert} ({e.Message.TrimEnd('.')})", "enroll again: the key and certificate must come from one enrollment");
        }
        using (node)
        {
            using var authority = X509Certificate2.CreateFromPem(File.ReadAllText(ca));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            var notBefore = new DateTimeOffset(node.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(node.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (now < notBefore)
                return DoctorFinding.Fail(Name, $"{cert} is valid only from {notBefore:u}", "check this box's clock (timedatectl), or enroll again");
            if (now >= notAfter)
                return DoctorFinding.Fail(Name, $"{cert} expired at {notAfter:u}", "enroll again with a new token from the hub");
            if (!chain.Build(node))
            {
                var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
                return DoctorFinding.Fail(Name, $"{cert} is not issued by {ca}: {why}", "enroll again: the CA and the certificate must come from the same hub");
            }
            var left = notAfter - now;
            var subject = node.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            return left < RenewWarning
                ? DoctorFinding.Warn(Name, $"{subject}: expires at {notAfter:u}, in {left.TotalHours:0} h", "the node renews before expiry while it reaches the hub: check the hub check above, or enroll again")
                : DoctorFinding.Ok(Name, $"{subject}: valid until {notAfter:u}, issued by {authority.GetNameInfo(X509NameType.SimpleName, forIssuer: false)}");
        }
    }
}
