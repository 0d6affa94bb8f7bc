using System.Security.Cryptography;
using System.Text;

namespace Mesh.Protocol.Policy;

/// <summary>
/// Parses and validates policy files (<c>policies/&lt;site&gt;.yaml</c>; format in <c>docs/POLICY.md</c>). Reports every
/// error it finds, each with a 1-based line and column, sorted by position; after a YAML syntax error nothing
/// more is checked. Pure: the same text always gives the same result.
/// </summary>
public static class PolicyLoader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="text"/>; <paramref name="file"/> names the source in errors.</summary>
    public static PolicyParseResult Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(file);
        var diagnostics = new PolicyDiagnostics(file);
        var size = Encoding.UTF8.GetByteCount(text);
        if (size > SitePolicy.MaxFileBytes)
            return TooLarge(diagnostics, size);
        var root = YamlTreeReader.Read(text, diagnostics);
        var policy = root is null ? null : PolicyBuilder.Build(root, text, Sha256(text), diagnostics);
        return policy is not null && diagnostics.Count == 0
            ? new PolicyParseResult(policy, [])
            : new PolicyParseResult(null, diagnostics.Sorted());
    }

    /// <summary>Reads and parses the file at <paramref name="path"/> (UTF-8, an initial byte order mark is skipped).
    /// Errors name the file as <paramref name="path"/> is written; a file that cannot be read is one error at 1:1.</summary>
    public static PolicyParseResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new PolicyDiagnostics(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > SitePolicy.MaxFileBytes + 3)
                return TooLarge(diagnostics, info.Length);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            diagnostics.Add(TextPosition.Start, $"cannot read the file: {ex.Message}");
            return new PolicyParseResult(null, diagnostics.Sorted());
        }
        var body = bytes.AsSpan();
        if (body.StartsWith(Encoding.UTF8.Preamble))
            body = body[Encoding.UTF8.Preamble.Length..];
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Add(TextPosition.Start, "the file is not valid UTF-8 text");
            return new PolicyParseResult(null, diagnostics.Sorted());
        }
        return Parse(text, path);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>: what <see cref="SitePolicy.Sha256"/> holds.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static PolicyParseResult TooLarge(PolicyDiagnostics diagnostics, long size)
    {
        diagnostics.Add(TextPosition.Start, $"the file is {size} bytes; a policy file may be at most {SitePolicy.MaxFileBytes} bytes");
        return new PolicyParseResult(null, diagnostics.Sorted());
    }
}
