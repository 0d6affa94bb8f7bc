using Mesh.Node.Decisions;

namespace Mesh.Node.Policy;

/// <summary>What compiled conditions read for one reading: metric values by slot (NaN = absent),
/// window counts by index (this reading included), and the inference results.</summary>
internal readonly ref struct EvalContext(ReadOnlySpan<double> values, ReadOnlySpan<int> counts, InferenceResults inference)
{
    public ReadOnlySpan<double> Values { get; } = values;

    public ReadOnlySpan<int> Counts { get; } = counts;

    public InferenceResults Inference { get; } = inference;
}
