using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;
using Spectre.Console;

namespace Mesh.Cli.Model;

/// <summary>What <c>mesh model fetch</c> and <c>mesh model check</c> print.</summary>
internal static class ModelFilesConsole
{
    public static async Task<int> FetchAsync(string models, string name, CancellationToken ct)
    {
        var manifestPath = Path.Combine(models, name, ModelRegistry.ManifestFile);
        var parsed = ManifestLoader.LoadFile(manifestPath);
        if (parsed.Manifest is not { } manifest)
        {
            foreach (var e in parsed.Errors)
                Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
        if (manifest.Fetch is null)
        {
            Console.Error.WriteLine($"{manifestPath}: model {manifest.Name} has no 'fetch' source; it is trained or copied, not fetched");
            return ExitCodes.Failure;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        try
        {
            string path = "";
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"fetching {manifest.Fetch.NpmPackage}");
                path = await new NpmModelFetcher(http).FetchAsync(manifest, Path.GetDirectoryName(manifestPath)!,
                    new Progress<(long Read, long? Total)>(p => { task.MaxValue = p.Total ?? Math.Max(task.MaxValue, p.Read); task.Value = p.Read; }), ct);
            });
            Console.WriteLine($"ok {path} ({manifest.Name} {manifest.Version}, sha256 {manifest.Sha256[..16]}…, from {manifest.Fetch.NpmPackage})");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is ModelFetchException or HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{manifestPath}: fetch failed: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    public static int Check(string models, string profilesFolder, string profileId)
    {
        var profile = ProfileLoader.LoadFile(Path.Combine(profilesFolder, profileId + ".yaml"));
        if (profile.Profile is not { } hw)
        {
            foreach (var e in profile.Errors)
                Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
        var load = ModelRegistry.Load(models);
        var failed = load.Problems.Count > 0;
        foreach (var p in load.Problems)
            Console.Error.WriteLine(p);
        var providers = hw.ExecutionProviders.Select(ExecutionProviders.Name).ToArray();
        foreach (var registered in load.Models)
        {
            var m = registered.Manifest;
            try
            {
                var plan = ExecutionProviderNames.Plan(providers, m.PreferredProviders);
                using var session = ModelSession.Open(m, registered.Bytes, plan);
                var io = $"{string.Join(", ", m.Inputs)} -> {string.Join(", ", m.Outputs)}";
                Console.WriteLine($"ok {m.Name} {m.Version} on {session.Provider.Explain()}: {io}");
            }
            catch (ModelRefusedException ex)
            {
                Console.Error.WriteLine(ex.Message);
                failed = true;
            }
        }
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
