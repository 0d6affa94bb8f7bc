using System.Security.Cryptography;

namespace Mesh.Node.Identity;

/// <summary>
/// The node's own key pair: ECDSA P-256, made on the node the first time it is needed and never leaving it. It signs the
/// node's audit checkpoints and is the key its certificate (enrollment) certifies. Kept as PKCS#8 PEM at
/// <c>&lt;data&gt;/identity/node.key</c>, readable by the node's user only (0600).
/// </summary>
public sealed class NodeKey : IDisposable
{
    public const string FolderName = "identity";
    public const string FileName = "node.key";

    private NodeKey(ECDsa key, string path)
    {
        Key = key;
        Path = path;
        PublicKeyDer = key.ExportSubjectPublicKeyInfo();
        Fingerprint = Mesh.Protocol.Identity.NodePublicKey.Fingerprint(PublicKeyDer);
    }

    /// <summary>The key pair; sign with <see cref="Sign"/>.</summary>
    public ECDsa Key { get; }

    /// <summary>The file it was read from or written to.</summary>
    public string Path { get; }

    /// <summary>The public key as a DER SubjectPublicKeyInfo (what the hub pins and a certificate carries).</summary>
    public byte[] PublicKeyDer { get; }

    /// <summary>SHA-256 of <see cref="PublicKeyDer"/>, lower-case hex: how logs, records and the hub name this key.</summary>
    public string Fingerprint { get; }

    /// <summary>The key file for a node whose data directory is <paramref name="dataDirectory"/>.</summary>
    public static string PathFor(string dataDirectory) => System.IO.Path.Combine(dataDirectory, FolderName, FileName);

    /// <summary>Reads the node's key from its data directory, or makes one and writes it (0600, written to a temporary
    /// file and renamed, so a crash never leaves half a key). A file that is not a P-256 private key in PEM is refused
    /// with its path: the node must not silently replace the key its chain and certificate are bound to.</summary>
    public static NodeKey LoadOrCreate(string dataDirectory)
    {
        var path = PathFor(dataDirectory);
        if (File.Exists(path))
            return Load(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(System.IO.Path.GetDirectoryName(path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: false);
        return new NodeKey(key, path);
    }

    /// <summary>Reads a key written by <see cref="LoadOrCreate"/>.</summary>
    public static NodeKey Load(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{path}: not an ECDSA private key in PEM ({e.Message}); restore the node's key from backup or re-enroll the node", e);
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidDataException($"{path}: an ECDSA key of {key.KeySize} bits, expected P-256");
        }
        return new NodeKey(key, path);
    }

    /// <summary>An ECDSA P-256 / SHA-256 signature of <paramref name="data"/> (IEEE P1363 form, 64 bytes); checked with
    /// <see cref="Mesh.Protocol.Identity.NodePublicKey.Verify"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => Key.SignData(data, HashAlgorithmName.SHA256);

    public void Dispose() => Key.Dispose();
}
