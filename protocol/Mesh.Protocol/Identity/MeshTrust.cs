using System.Security.Cryptography.X509Certificates;

namespace Mesh.Protocol.Identity;

/// <summary>
/// The one trust check of the mesh's TLS: a certificate is good when it chains to the hub's CA (the only root trusted,
/// never the system store), is within its validity and carries the extended key usage of its role. Names and
/// revocation are the caller's business: the hub knows revocations, a node knows which node it wants.
/// </summary>
public static class MeshTrust
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Null when <paramref name="certificate"/> chains to <paramref name="ca"/> for <paramref name="usageOid"/>;
    /// otherwise why not, for a log line.</summary>
    public static string? Check(X509Certificate2 certificate, X509Certificate2 ca, string usageOid, DateTime? now = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usageOid));
        if (now is { } at)
            chain.ChainPolicy.VerificationTime = at;
        if (chain.Build(certificate) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
            return null;
        var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).ToList();
        return $"certificate '{certificate.Subject}' (serial {certificate.SerialNumber}) is not issued by this mesh's CA for {Usage(usageOid)}"
            + (problems.Count > 0 ? ": " + string.Join("; ", problems) : "");
    }

    private static string Usage(string oid) => oid switch
    {
        ServerAuthOid => "server authentication",
        ClientAuthOid => "client authentication",
        _ => oid,
    };
}
