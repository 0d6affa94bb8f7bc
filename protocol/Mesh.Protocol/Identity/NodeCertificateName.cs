using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Protocol.Identity;

/// <summary>
/// How a node certificate names its node: CN = node id and one SAN URI <c>mesh://&lt;site&gt;/&lt;node&gt;</c>. The hub
/// authorizes node calls by the URI (the CN is for people reading the certificate); node and hub read it here, so
/// both agree on the one place the identity lives.
/// </summary>
public static class NodeCertificateName
{
    public const string Scheme = "mesh";

    /// <summary>The SAN URI naming <paramref name="nodeId"/> of <paramref name="site"/>.</summary>
    public static Uri UriFor(string site, string nodeId) => new($"{Scheme}://{site}/{nodeId}");

    /// <summary>The node and site a certificate names, or null when it names none (a certificate not made for a node,
    /// or one with two mesh URIs: refused rather than guessed).</summary>
    public static (string NodeId, string Site)? Read(X509Certificate2 certificate)
    {
        var found = new List<(string, string)>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is not X509SubjectAlternativeNameExtension)
                continue;
            foreach (var uri in ReadUris(extension.RawData))
            {
                if (TryParse(uri, out var node, out var site))
                    found.Add((node, site));
            }
        }
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>Parses <c>mesh://site/node</c>; both parts non-empty, nothing else in the URI.</summary>
    public static bool TryParse(string uri, out string nodeId, out string site)
    {
        nodeId = site = "";
        var prefix = Scheme + "://";
        if (!uri.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var rest = uri[prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1 || rest.IndexOf('/', slash + 1) >= 0 || rest.IndexOfAny(['?', '#', '@', ':']) >= 0)
            return false;
        site = rest[..slash];
        nodeId = rest[(slash + 1)..];
        return true;
    }

    // X509SubjectAlternativeNameExtension enumerates DNS names and IP addresses only; URIs are [6] IA5String.
    private static List<string> ReadUris(byte[] raw)
    {
        var uris = new List<string>();
        try
        {
            var reader = new AsnReader(raw, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag == uriTag)
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                else
                    names.ReadEncodedValue();
            }
        }
        catch (AsnContentException)
        {
            return [];
        }
        return uris;
    }
}
