using System.Text;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Devices;

/// <summary>
/// Reads and writes devices files (<c>site</c> and a <c>devices</c> list of <c>id</c> and <c>password_hash</c>).
/// Reports every error as <c>file:line:column: message</c>, sorted by position; a list with any error is not used.
/// </summary>
public static class DeviceListLoader
{
    /// <summary>Largest devices file accepted, bytes of UTF-8 (some 20,000 devices).</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    private static readonly YamlDocumentKind Kind = new("devices", "a devices mapping with site and devices", MaxFileBytes);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors.</summary>
    public static DeviceListParseResult Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var diagnostics = new YamlDiagnostics(file);
        if (!YamlText.WithinLimit(text, Kind, diagnostics))
            return new DeviceListParseResult(null, diagnostics.Sorted());
        var root = YamlTreeReader.Read(text, Kind, diagnostics);
        var list = root is null ? null : DeviceListBuilder.Build(root, diagnostics);
        return list is not null && diagnostics.Count == 0
            ? new DeviceListParseResult(list, [])
            : new DeviceListParseResult(null, diagnostics.Sorted());
    }

    /// <summary>Reads and parses the file at <paramref name="path"/>. A file that cannot be read is one error at 1:1.</summary>
    public static DeviceListParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new YamlDiagnostics(path);
        return YamlText.ReadFile(path, Kind, diagnostics) is { } text
            ? Parse(text, path)
            : new DeviceListParseResult(null, diagnostics.Sorted());
    }

    /// <summary>The list as devices-file text, which <see cref="Parse"/> reads back to the same list.</summary>
    public static string Write(DeviceList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var text = new StringBuilder();
        text.Append("# Mesh devices file (docs/DEVICES.md), written by 'mesh device add'. Each device connects with MQTT username\n");
        text.Append("# and client id = its id, and the password printed once when it was added; only PBKDF2-SHA512 hashes are kept.\n");
        text.Append("site: ").Append(YamlWriter.Quote(list.Site)).Append('\n');
        if (list.Devices.Count == 0)
        {
            text.Append("devices: []\n");
            return text.ToString();
        }
        text.Append("devices:\n");
        foreach (var d in list.Devices)
        {
            text.Append("  - id: ").Append(YamlWriter.Quote(d.Id)).Append('\n');
            text.Append("    password_hash: ").Append(YamlWriter.Quote(d.PasswordHash)).Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>The outcome of reading a devices file: a list, or the errors (never both).</summary>
public sealed record DeviceListParseResult(DeviceList? List, IReadOnlyList<SourceError> Errors)
{
    public bool Ok => List is not null;
}
