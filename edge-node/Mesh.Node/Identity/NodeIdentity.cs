using System.Security.Cryptography.X509Certificates;

namespace Mesh.Node.Identity;

/// <summary>The node's enrolled identity: its certificate (with <see cref="NodeKey"/>'s private half), the hub's CA it
/// trusts, and the node and site the certificate names.</summary>
public sealed record NodeIdentity(X509Certificate2 Certificate, X509Certificate2 Ca, string NodeId, string Site)
{
    /// <summary>When the node renews: once less than a third of the certificate's lifetime is left.</summary>
    public DateTimeOffset RenewAt
    {
        get
        {
            var notBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
            return notAfter - (notAfter - notBefore) / 3;
        }
    }
}
