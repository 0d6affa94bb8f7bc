using Mesh.Protocol.Profiles;
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
        var plan = ExecutionProviderNames.Plan(hardwareProviders, manifest.PreferredProviders.Count > 0 ? manifest.PreferredProviders : [ExecutionProviders.Cpu]);
        var earlier = new List<ProviderAttempt>();
        while (true)
        {
            var session = ModelSession.Open(manifest, registered.Bytes, plan, earlier);
            if (!manifest.IsReadingModel)
                return new LocalModel(registered, session, null, null);
            var runner = new ReadingModelRunner(session, maxBatch);
            try
            {
                runner.WarmUp();
                return new LocalModel(registered, session, runner, new MicroBatcher(runner, maxWait));
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
            {
                // A provider can open a session and still fail on the first run (a missing library, too little
                // device memory for the largest batch): it is dropped from the plan like one that did not open.
                var provider = session.Provider.Provider;
                runner.Dispose();
                session.Dispose();
                if (provider == ExecutionProviders.Cpu)
                    throw new ModelRefusedException(manifest, $"the first run failed on CPU: {ex.Message}");
                earlier.AddRange(session.Provider.Attempts.Where(a => !a.Loaded));
                earlier.Add(new ProviderAttempt(provider, false, $"failed on its first run ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})"));
                plan = plan.Where(p => p != provider).ToArray();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Batcher is not null)
            await Batcher.DisposeAsync();
        Runner?.Dispose();
        Session.Dispose();
    }
}
