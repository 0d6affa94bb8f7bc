using Mesh.Protocol.Profiles;
using Mesh.Protocol.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Mesh.Inference.Runtime;

/// <summary>
/// An open ONNX Runtime session for one registered model, on the execution provider the plan reached. Opening
/// checks the file against the manifest: every declared input and output must exist with the declared element type
/// and shape (a dynamic dimension in the file must be dynamic in the manifest, and a fixed one equal), and the file
/// may not need inputs the manifest does not declare. A mismatch is refused with what and where.
/// </summary>
public sealed class ModelSession : IDisposable
{
    private ModelSession(ModelManifest manifest, InferenceSession session, ProviderChoice provider)
    {
        Manifest = manifest;
        Session = session;
        Provider = provider;
    }

    public ModelManifest Manifest { get; }

    public ProviderChoice Provider { get; }

    internal InferenceSession Session { get; }

    /// <summary>Opens <paramref name="model"/> (the file's bytes, already hash-checked) on the first provider of
    /// <paramref name="plan"/> that works. Throws <see cref="ModelRefusedException"/> when the file does not match its manifest.</summary>
    /// <param name="earlier">Providers that already failed for this model (recorded before the plan's own attempts).</param>
    public static ModelSession Open(ModelManifest manifest, byte[] model, IReadOnlyList<string> plan, IReadOnlyList<ProviderAttempt>? earlier = null)
    {
        InferenceSession session;
        ProviderChoice choice;
        try
        {
            (session, choice) = SessionFactory.Open(model, plan);
            if (earlier is { Count: > 0 })
                choice = choice with { Attempts = [.. earlier, .. choice.Attempts] };
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelRefusedException(manifest, $"ONNX Runtime cannot load {manifest.File}: {ex.Message}");
        }
        var problems = ShapeProblems(manifest, session);
        if (problems.Count > 0)
        {
            session.Dispose();
            throw new ModelRefusedException(manifest, string.Join("; ", problems));
        }
        return new ModelSession(manifest, session, choice);
    }

    /// <summary>The model's session on exactly <paramref name="provider"/>, or null when that provider does not work here
    /// (<paramref name="choice"/> then says why). For measuring one provider: calibration and benchmarks.</summary>
    public static ModelSession? OpenOnly(ModelManifest manifest, byte[] model, string provider, out ProviderChoice choice)
    {
        var session = Open(manifest, model, provider == ExecutionProviders.Cpu ? [provider] : [provider, ExecutionProviders.Cpu]);
        choice = session.Provider;
        if (session.Provider.Provider == provider)
            return session;
        session.Dispose();
        return null;
    }

    /// <summary>Every difference between what the manifest declares and what the ONNX file has.</summary>
    public static IReadOnlyList<string> ShapeProblems(ModelManifest manifest, InferenceSession session)
    {
        var problems = new List<string>();
        Compare("input", manifest.Inputs, session.InputMetadata, manifest.File, problems);
        Compare("output", manifest.Outputs, session.OutputMetadata, manifest.File, problems);
        foreach (var name in session.InputNames)
            if (!manifest.Inputs.Any(i => i.Name == name))
                problems.Add($"{manifest.File} needs input '{name}', which the manifest does not declare");
        return problems;
    }

    private static void Compare(string kind, IReadOnlyList<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual, string file, List<string> problems)
    {
        foreach (var spec in declared)
        {
            if (!actual.TryGetValue(spec.Name, out var meta))
            {
                problems.Add($"{kind} '{spec.Name}' is declared but {file} has no such {kind} (it has {string.Join(", ", actual.Keys)})");
                continue;
            }
            if (!meta.IsTensor || ElementOf(meta.ElementDataType) != spec.Element)
            {
                problems.Add($"{kind} '{spec.Name}' is declared {Describe(spec.Element)} but is {meta.ElementDataType} in {file}");
                continue;
            }
            var dims = meta.Dimensions;
            if (!SameShape(spec.Shape, dims))
                problems.Add($"{kind} '{spec.Name}' has shape [{string.Join(", ", spec.Shape)}] in the manifest but [{string.Join(", ", dims)}] in {file}");
        }
    }

    private static bool SameShape(IReadOnlyList<long> declared, int[] actual)
    {
        if (declared.Count != actual.Length)
            return false;
        for (var i = 0; i < actual.Length; i++)
            if (declared[i] != actual[i] && !(declared[i] == -1 && actual[i] <= 0))
                return false;
        return true;
    }

    private static TensorElement? ElementOf(TensorElementType t) => t switch
    {
        TensorElementType.Float => TensorElement.Float32,
        TensorElementType.Double => TensorElement.Float64,
        TensorElementType.Int64 => TensorElement.Int64,
        TensorElementType.Int32 => TensorElement.Int32,
        TensorElementType.Bool => TensorElement.Bool,
        _ => null,
    };

    private static string Describe(TensorElement e) => e.ToString().ToLowerInvariant();

    public void Dispose() => Session.Dispose();
}
