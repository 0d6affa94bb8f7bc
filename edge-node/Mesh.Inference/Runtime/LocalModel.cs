using Mesh.Inference.Registry;

namespace Mesh.Inference.Runtime;

/// <summary>
/// A registered model opened on this node: its session on the provider the plan reached and, for reading models,
/// the warmed runner and the batcher that device agents share.
/// </summary>
public sealed class LocalModel : IAsyncDisposable
{
    private LocalModel(RegisteredModel registered, ModelSession session, ReadingModelRunner? runner, MicroBatcher? batcher)
    {
        Registered = registered;
        Session = session;
        Runner = runner;
        Batcher = batcher;
    }

    public RegisteredModel Registered { get; }

    public ModelSession Session { get; }

    public ReadingModelRunner? Runner { get; }

    public MicroBatcher? Batcher { get; }

    public string Name => Registered.Manifest.Name;

    public string Version => Registered.Manifest.Version;

    public string Provider => Session.Provider.Provider;

    /// <summary>Opens and, for reading models, warms the model. Throws <see cref="ModelRefusedException"/> when the
    /// file does not match its manifest.</summary>
    public static LocalModel Open(RegisteredModel registered, IReadOnlyList<string> hardwareProviders, int maxBatch, TimeSpan maxWait)
    {
        var manifest = registered.Manifest;
        var plan = ExecutionProviderNames.Plan(hardwareProviders, manifest.PreferredProviders.Count > 0 ? manifest.PreferredProviders : [ExecutionProviderNames.Cpu]);
        var session = ModelSession.Open(manifest, registered.Bytes, plan);
        if (!manifest.IsReadingModel)
            return new LocalModel(registered, session, null, null);
        var runner = new ReadingModelRunner(session, maxBatch);
        runner.WarmUp();
        return new LocalModel(registered, session, runner, new MicroBatcher(runner, maxWait));
    }

    public async ValueTask DisposeAsync()
    {
        if (Batcher is not null)
            await Batcher.DisposeAsync();
        Runner?.Dispose();
        Session.Dispose();
    }
}
