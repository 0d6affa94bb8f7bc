using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Identity;

namespace Mesh.Node.Identity;

/// <summary>
/// The serials of the node certificates the hub revoked, as its watch stream last told them
/// (<see cref="RevocationList"/>), kept in <c>&lt;data&gt;/identity/revoked.json</c> so they hold across restarts and
/// while the hub is away. A revocation is never withdrawn: the node adds what it is told and never drops a serial, so a
/// hub that has not yet learned of another hub's revocation cannot shrink the list. Peers presenting a listed
/// certificate are refused both ways (<see cref="NodeCredentials.CheckServer"/>, the inference server).
/// </summary>
public sealed class RevokedCertificates
{
    public const string FileName = "revoked.json";

    /// <summary>Most serials one list may carry (about 4 MiB of serials, within the watch stream's message limit).</summary>
    public const int MaxSerials = 100_000;

    private readonly Lock _gate = new();
    private volatile FrozenSet<string> _serials;

    /// <exception cref="InvalidDataException">The file exists but is not a list this node wrote; the message says what to do.</exception>
    public RevokedCertificates(string dataDirectory)
    {
        Path = PathIn(dataDirectory);
        _serials = Load(Path);
    }

    public static string PathIn(string dataDirectory) => System.IO.Path.Combine(dataDirectory, NodeKey.FolderName, FileName);

    public string Path { get; }

    public int Count => _serials.Count;

    /// <summary>Raised after new serials were added: connections opened before must be checked again.</summary>
    public event Action? Changed;

    public bool IsRevoked(string serial) => _serials.Contains(serial);

    /// <summary>Null when <paramref name="certificate"/> is not revoked; otherwise the refusal, naming its node and serial.</summary>
    public string? Problem(X509Certificate2 certificate) =>
        IsRevoked(certificate.SerialNumber)
            ? $"the certificate of node '{NodeCertificateName.Read(certificate)?.NodeId ?? certificate.Subject}' (serial {certificate.SerialNumber}) was revoked by the hub"
            : null;

    /// <summary>Adds the serials of <paramref name="list"/> and saves them, or refuses a malformed list whole, keeping the
    /// serials held. Returns how many were new, or why the list was refused.</summary>
    /// <exception cref="IOException">The list could not be saved; the new serials are in force until the node stops.</exception>
    public (int Added, string? Refused) Offer(RevocationList list)
    {
        if (Check(list) is { } problem)
            return (0, problem);
        int added;
        lock (_gate)
        {
            var before = _serials;
            var merged = before.Union(list.Serials).ToFrozenSet(StringComparer.Ordinal);
            added = merged.Count - before.Count;
            if (added == 0)
                return (0, null);
            _serials = merged;
            try
            {
                Save(merged);
            }
            finally
            {
                Changed?.Invoke();
            }
        }
        return (added, null);
    }

    /// <summary>Null when <paramref name="list"/> is well formed; otherwise what is wrong with it.</summary>
    public static string? Check(RevocationList list)
    {
        if (list.Serials.Count > MaxSerials)
            return $"it carries {list.Serials.Count} serials, more than the {MaxSerials} a node takes";
        if (list.Count != (ulong)list.Serials.Count)
            return $"its count says {list.Count} serial(s) but it carries {list.Serials.Count}: the list was cut short or altered";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Serials.Count; i++)
        {
            var serial = list.Serials[i];
            if (!IsSerial(serial))
                return $"serials[{i}] '{Shorten(serial)}' is not a certificate serial (1-40 upper-case hexadecimal digits)";
            if (!seen.Add(serial))
                return $"serials[{i}] '{serial}' is listed twice";
        }
        return null;
    }

    private static bool IsSerial(string s) => s.Length is > 0 and <= 40 && s.All(c => c is >= '0' and <= '9' or >= 'A' and <= 'F');

    private static string Shorten(string s) => s.Length <= 48 ? s : s[..48] + "…";

    private void Save(IEnumerable<string> serials)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        NodeCertificateFiles.Replace(Path, JsonSerializer.Serialize(new RevokedFile(serials.Order(StringComparer.Ordinal).ToList())));
    }

    private static FrozenSet<string> Load(string path)
    {
        if (!File.Exists(path))
            return FrozenSet<string>.Empty;
        string? problem;
        try
        {
            var file = JsonSerializer.Deserialize<RevokedFile>(File.ReadAllText(path));
            var list = RevocationList.Of(file?.Serials ?? []);
            problem = file?.Serials is null ? "it holds no serials array" : Check(list);
            if (problem is null)
                return list.Serials.ToFrozenSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
        }
        throw new InvalidDataException(
            $"{path} cannot be read ({problem}); move it away and start the node: it gets the revoked certificates from its hub again when its control stream opens");
    }

    private sealed record RevokedFile([property: JsonPropertyName("serials")] List<string>? Serials);
}
