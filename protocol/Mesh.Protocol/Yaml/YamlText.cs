using System.Security.Cryptography;
using System.Text;

namespace Mesh.Protocol.Yaml;

/// <summary>Getting the text of a YAML file safely: bounded size, strict UTF-8, an initial byte order mark skipped.
/// Each failure is one error at 1:1.</summary>
internal static class YamlText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of the file at <paramref name="path"/>, or null after reporting why there is none.</summary>
    public static string? ReadFile(string path, YamlDocumentKind kind, YamlDiagnostics diagnostics)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > kind.MaxFileBytes + 3)
            {
                TooLarge(info.Length, kind, diagnostics);
                return null;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            diagnostics.Add(TextPosition.Start, $"cannot read the file: {ex.Message}");
            return null;
        }
        var body = bytes.AsSpan();
        if (body.StartsWith(Encoding.UTF8.Preamble))
            body = body[Encoding.UTF8.Preamble.Length..];
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Add(TextPosition.Start, "the file is not valid UTF-8 text");
            return null;
        }
    }

    /// <summary>True when <paramref name="text"/> is within the kind's size limit; otherwise reports it.</summary>
    public static bool WithinLimit(string text, YamlDocumentKind kind, YamlDiagnostics diagnostics)
    {
        var size = Encoding.UTF8.GetByteCount(text);
        if (size <= kind.MaxFileBytes)
            return true;
        TooLarge(size, kind, diagnostics);
        return false;
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static void TooLarge(long size, YamlDocumentKind kind, YamlDiagnostics diagnostics) =>
        diagnostics.Add(TextPosition.Start, $"the file is {size} bytes; a {kind.Noun} file may be at most {kind.MaxFileBytes} bytes");
}
