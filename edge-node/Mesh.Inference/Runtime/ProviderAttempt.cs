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

    /// <summary>Short, for people: "CPU (TensorRT, CUDA failed)"; the reasons are in <see cref="Attempts"/>.</summary>
    public string Describe() => FellBack
        ? $"{Provider} ({string.Join(", ", Attempts.Where(a => !a.Loaded).Select(a => a.Provider))} failed)"
        : Provider;

    /// <summary>One line for logs and audit records: the short form and why each provider before it failed.</summary>
    public string Explain() => FellBack
        ? $"{Describe()}: {string.Join("; ", Attempts.Where(a => !a.Loaded))}"
        : Provider;
}
