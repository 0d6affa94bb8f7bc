namespace Mesh.Inference.Anomaly;

/// <summary>
/// The anomaly model: <c>x → (x − mean) / std → Dense 6→16 ReLU → Dense 16→16 ReLU → Dense 16→1 → Sigmoid</c>, the
/// score being the probability that the reading is anomalous. Normalisation is part of the model so the node feeds
/// raw readings. Weights are row-major <c>[in, out]</c>, as ONNX <c>MatMul</c> takes them.
/// </summary>
/// <remarks>
/// <see cref="Score(ReadOnlySpan{float})"/> is the reference the ONNX file is checked against: float32 throughout,
/// and the graph's order of operations (subtract, divide, multiply-accumulate, add bias), so ONNX Runtime and this
/// code agree to about 1e-6.
/// </remarks>
public sealed partial class AnomalyNetwork
{
    public const int Inputs = AnomalyFeatures.Count;
    public const int Hidden = 16;

    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float[] _w1;
    private readonly float[] _b1;
    private readonly float[] _w2;
    private readonly float[] _b2;
    private readonly float[] _w3;
    private readonly float _b3;

    /// <exception cref="ArgumentException">A weight array has the wrong length, or a std is not positive.</exception>
    public AnomalyNetwork(
        ReadOnlySpan<float> mean,
        ReadOnlySpan<float> std,
        ReadOnlySpan<float> w1,
        ReadOnlySpan<float> b1,
        ReadOnlySpan<float> w2,
        ReadOnlySpan<float> b2,
        ReadOnlySpan<float> w3,
        float b3)
    {
        _mean = Copy(mean, Inputs, nameof(mean));
        _std = Copy(std, Inputs, nameof(std));
        _w1 = Copy(w1, Inputs * Hidden, nameof(w1));
        _b1 = Copy(b1, Hidden, nameof(b1));
        _w2 = Copy(w2, Hidden * Hidden, nameof(w2));
        _b2 = Copy(b2, Hidden, nameof(b2));
        _w3 = Copy(w3, Hidden, nameof(w3));
        _b3 = b3;
        if (_std.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new ArgumentException("Every std must be positive and finite.", nameof(std));
    }

    public ReadOnlySpan<float> Mean => _mean;

    public ReadOnlySpan<float> Std => _std;

    /// <summary>Layer 1 weights, <c>[6, 16]</c> row-major.</summary>
    public ReadOnlySpan<float> W1 => _w1;

    public ReadOnlySpan<float> B1 => _b1;

    /// <summary>Layer 2 weights, <c>[16, 16]</c> row-major.</summary>
    public ReadOnlySpan<float> W2 => _w2;

    public ReadOnlySpan<float> B2 => _b2;

    /// <summary>Output weights, <c>[16, 1]</c>.</summary>
    public ReadOnlySpan<float> W3 => _w3;

    public float B3 => _b3;

    /// <summary>The score of one row of <see cref="AnomalyFeatures"/>.</summary>
    public float Score(ReadOnlySpan<float> features)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(features.Length, Inputs, nameof(features));
        return Sigmoid(Logit(features));
    }

    /// <summary>Scores a row-major batch <c>[n, 6]</c> into <paramref name="scores"/> <c>[n]</c>.</summary>
    public void Score(ReadOnlySpan<float> batchRowMajor, Span<float> scores)
    {
        if (batchRowMajor.Length % Inputs != 0)
            throw new ArgumentException($"A batch is a whole number of rows of {Inputs}.", nameof(batchRowMajor));
        int rows = batchRowMajor.Length / Inputs;
        ArgumentOutOfRangeException.ThrowIfLessThan(scores.Length, rows, nameof(scores));
        for (int r = 0; r < rows; r++)
            scores[r] = Sigmoid(Logit(batchRowMajor.Slice(r * Inputs, Inputs)));
    }

    internal float Logit(ReadOnlySpan<float> features)
    {
        Span<float> x = stackalloc float[Inputs];
        for (int i = 0; i < Inputs; i++)
            x[i] = (features[i] - _mean[i]) / _std[i];
        Span<float> h1 = stackalloc float[Hidden];
        Span<float> h2 = stackalloc float[Hidden];
        Dense(x, _w1, _b1, h1, relu: true);
        Dense(h1, _w2, _b2, h2, relu: true);
        float sum = 0f;
        for (int k = 0; k < Hidden; k++)
            sum += h2[k] * _w3[k];
        return sum + _b3;
    }

    internal static float Sigmoid(float logit) => 1f / (1f + MathF.Exp(-logit));

    private static void Dense(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output, bool relu)
    {
        int outputs = output.Length;
        output.Clear();
        for (int i = 0; i < input.Length; i++)
        {
            float value = input[i];
            var row = weights.Slice(i * outputs, outputs);
            for (int j = 0; j < outputs; j++)
                output[j] += value * row[j];
        }

        for (int j = 0; j < outputs; j++)
        {
            float z = output[j] + bias[j];
            output[j] = relu && z < 0f ? 0f : z;
        }
    }

    private static float[] Copy(ReadOnlySpan<float> values, int length, string name)
    {
        if (values.Length != length)
            throw new ArgumentException($"Expected {length} values, got {values.Length}.", name);
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
                throw new ArgumentException("Weights must be finite.", name);
        }

        return values.ToArray();
    }
}
