using Mesh.Node.Inference;
using Mesh.Node.Routing;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Hosting;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>The node's hardware profile, its opened models, the offload peers, the router's live statistics and
    /// budget, the coordinator device agents call, and (with <c>Node:Inference:ServeUrl</c>) the Inference service.</summary>
    public static IServiceCollection AddMeshInference(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            var profile = LoadProfile(o);
            var models = string.IsNullOrWhiteSpace(o.Inference.Models) ? "" : NodePaths.Resolve(o.Inference.Models);
            return LocalInference.Open(profile, models, o.Inference, sp.GetRequiredService<ILogger<LocalInference>>());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<NodeOptions>>().Value.Inference;
            return new LiveStats(sp.GetRequiredService<TimeProvider>(), LiveStatsOptions.Default with
            {
                FailuresToOpen = o.BreakerFailures,
                OpenFor = o.BreakerOpenFor,
            });
        });
        services.AddSingleton(sp => new BudgetLedger(sp.GetRequiredService<TimeProvider>()) { Site = sp.GetService<SiteState.SiteStateStore>() });
        services.AddHostedService<BudgetRestore>();
        services.AddSingleton<PeerDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<PeerDirectory>());
        services.AddSingleton(sp => new InferenceCoordinator(sp.GetRequiredService<LocalInference>(), sp.GetRequiredService<PeerDirectory>(),
            sp.GetRequiredService<LiveStats>(), sp.GetRequiredService<BudgetLedger>(), sp.GetRequiredService<IOptions<NodeOptions>>().Value,
            sp.GetRequiredService<ILogger<InferenceCoordinator>>()));
        services.AddHostedService<ModelAuditRecords>();
        services.AddSingleton<InferenceServer>();
        services.AddHostedService(sp => sp.GetRequiredService<InferenceServer>());
        return services;
    }

    /// <summary>The node's own profile, <c>&lt;Profiles&gt;/&lt;Node:Profile&gt;.yaml</c>. A missing or invalid profile stops
    /// the node with every error (file:line:column): the router cannot run on guesses.</summary>
    private static HardwareProfile LoadProfile(NodeOptions o)
    {
        var folder = NodePaths.Resolve(o.Inference.Profiles);
        var path = Path.Combine(folder, o.Profile + ".yaml");
        if (!File.Exists(path))
        {
            var known = Directory.Exists(folder) ? string.Join(", ", Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()) : "none: the folder does not exist";
            throw new OptionsValidationException(nameof(NodeOptions), typeof(NodeOptions),
                [$"Node:Profile '{o.Profile}': no {path} (profiles in {folder}: {known}); set Node:Profile or Node:Inference:Profiles"]);
        }
        var loaded = ProfileLoader.LoadFile(path);
        if (loaded.Profile is not { } profile)
            throw new OptionsValidationException(nameof(NodeOptions), typeof(NodeOptions),
                loaded.Errors.Select(e => $"Node:Profile '{o.Profile}': {e}"));
        return profile;
    }
}
