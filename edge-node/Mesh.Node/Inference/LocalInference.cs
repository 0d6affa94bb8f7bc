using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>
/// This node's hardware profile and the models it opened from its registry, each on the first execution provider of
/// the profile (and the model's preferences) that works. Opened once at start: a model whose manifest, hash or
/// shapes are wrong is refused with the reason and the node runs without it.
/// </summary>
public sealed class LocalInference : IAsyncDisposable
{
    private readonly Dictionary<string, LocalModel> _models;

    private LocalInference(HardwareProfile profile, Dictionary<string, LocalModel> models, IReadOnlyList<RegistryProblem> refused, int maxBatch)
    {
        Profile = profile;
        _models = models;
        Refused = refused;
        MaxBatch = maxBatch;
    }

    public HardwareProfile Profile { get; }

    /// <summary>Models refused at start, with why.</summary>
    public IReadOnlyList<RegistryProblem> Refused { get; }

    public IEnumerable<LocalModel> Models => _models.Values;

    public int MaxBatch { get; }

    public LocalModel? Find(string name) => _models.GetValueOrDefault(name);

    public ModelManifest? Manifest(string name) => _models.TryGetValue(name, out var m) ? m.Registered.Manifest : null;

    /// <summary>Loads the registry folder and opens every model that passes its checks.</summary>
    public static LocalInference Open(HardwareProfile profile, string modelsFolder, InferenceOptions options, ILogger logger)
    {
        // No folder configured: a thin gateway that runs no model itself and offloads to its peers.
        var load = modelsFolder.Length == 0 ? new RegistryLoad([], []) : ModelRegistry.Load(modelsFolder);
        var refused = new List<RegistryProblem>(load.Problems);
        var providers = profile.ExecutionProviders.Select(ExecutionProviders.Name).ToArray();
        var opened = new Dictionary<string, LocalModel>(StringComparer.Ordinal);
        foreach (var registered in load.Models)
        {
            try
            {
                var model = LocalModel.Open(registered, providers, options.MaxBatch, options.MaxBatchWait);
                opened[model.Name] = model;
                if (model.Session.Provider.FellBack)
                    InferenceLog.ProviderFellBack(logger, model.Name, model.Session.Provider.Explain());
                InferenceLog.ModelOpened(logger, model.Name, model.Version, model.Provider);
            }
            catch (ModelRefusedException ex)
            {
                refused.Add(new RegistryProblem(registered.Manifest.Name, registered.Manifest.Path, ex.Problem));
            }
        }
        foreach (var p in refused)
            InferenceLog.ModelRefused(logger, p.Model, p.ToString());
        return new LocalInference(profile, opened, refused, options.MaxBatch);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _models.Values)
            await m.DisposeAsync();
    }
}
