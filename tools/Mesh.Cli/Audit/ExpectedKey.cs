using System.Security.Cryptography;
using Mesh.Protocol.Identity;

namespace Mesh.Cli.Audit;

/// <summary>The key a node's checkpoints must be signed by, as the auditor knows it, and where that knowledge came from
/// (for messages): <c>--key</c>, <c>--fingerprint</c>, the node's identity folder, or the hub's pin.</summary>
public sealed record ExpectedKey(string Fingerprint, string Source)
{
    /// <summary>From a PEM file holding the node's public key (or its private key, <c>node.key</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a P-256 key in PEM; the message names it.</exception>
    /// <param name="what">How messages name the file.</param>
    public static ExpectedKey FromPemFile(string path, string what = "--key")
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{what} {path}: cannot read it: {ex.Message}", ex);
        }
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new InvalidDataException($"{what} {path}: not an ECDSA key in PEM ({ex.Message})", ex);
        }
        if (key.KeySize != 256)
            throw new InvalidDataException($"{what} {path}: an ECDSA key of {key.KeySize} bits; a node's key is P-256");
        return new ExpectedKey(NodePublicKey.Fingerprint(key.ExportSubjectPublicKeyInfo()), $"--key {path}");
    }

    /// <summary>From <c>--fingerprint</c>: 64 hex digits; null when it is not that.</summary>
    public static ExpectedKey? FromFingerprint(string text) =>
        text.Length == 64 && text.All(Uri.IsHexDigit) ? new ExpectedKey(text.ToLowerInvariant(), "--fingerprint") : null;

    /// <summary>The key in the identity folder next to a node's journal (<c>&lt;data&gt;/identity/node.key</c>), or null
    /// when there is none.</summary>
    public static ExpectedKey? BesideJournal(string journalPath)
    {
        var data = Path.GetDirectoryName(Path.GetFullPath(journalPath));
        if (data is null)
            return null;
        var path = Mesh.Node.Identity.NodeKey.PathFor(data);
        return File.Exists(path) ? FromPemFile(path, "the node's key") with { Source = $"the node's identity folder ({path})" } : null;
    }
}
