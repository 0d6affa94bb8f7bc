namespace Mesh.Inference.Runtime;

/// <summary>One execution provider the runtime tried for a model: whether the session opened on it, and if not, why.</summary>
public sealed record ProviderAttempt(string Provider, bool Loaded, string Reason)
{
    public override string ToString() => Loaded ? $"{Provider}: loaded" : $"{Provider}: {Reason}";
}

/// <summary>Where a model's session runs, and every provider tried before it (in preference order).</summary>
public sealed record ProviderChoice(string Provider, IReadOnlyList<ProviderAttempt> Attempts)
{
    /// <summary>True when a preferred provider failed and a later one (in the end CPU) took over.</summary>
    public bool FellBack => Attempts.Count > 0 && !Attempts[0].Loaded;

    /// <summary>One line for logs and audit records: "CUDA → CPU (CUDA: EntryPointNotFoundException …)".</summary>
    public string Describe() => FellBack
        ? $"{Attempts[0].Provider} → {Provider} ({string.Join("; ", Attempts.Where(a => !a.Loaded))})"
        : Provider;
}
