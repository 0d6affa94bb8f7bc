using System.Reflection;
using System.Security.Cryptography;

namespace Mesh.Hub.AuditConsole;

/// <summary>
/// The console's stylesheet and script, embedded in the hub's assembly: the hub runs as its own process, inside the
/// CLI's demo and inside tests, and a file beside one host's executable would be missing in the others. Each is served
/// under a path that carries its content hash, so browsers may cache it for good.
/// </summary>
public static class ConsoleAssets
{
    private static readonly Asset Css = Load("console.css", "text/css; charset=utf-8");
    private static readonly Asset Js = Load("console.js", "text/javascript; charset=utf-8");

    public static string StylesheetPath => Css.Path;

    public static string ScriptPath => Js.Path;

    /// <summary><c>GET /console/{file}</c>, for anyone (the login page is styled too): only the current names.</summary>
    internal static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/console/{file}", (string file, HttpContext context) =>
        {
            var asset = Array.Find([Css, Js], a => a.Path == "/console/" + file);
            if (asset is null)
                return Results.NotFound();
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes(asset.Content, asset.ContentType);
        }).AllowAnonymous();

    private static Asset Load(string name, string contentType)
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Mesh.Hub.AuditConsole.Assets.{name}")
            ?? throw new InvalidOperationException($"the hub was built without its console asset {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        var tag = Convert.ToHexStringLower(SHA256.HashData(content))[..12];
        var dot = name.LastIndexOf('.');
        return new Asset($"/console/{name[..dot]}.{tag}{name[dot..]}", content, contentType);
    }

    private sealed record Asset(string Path, byte[] Content, string ContentType);
}
