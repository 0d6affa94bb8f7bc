namespace Mesh.Inference.Anomaly;

/// <summary>
/// The network's parameters as one flat vector (w1, b1, w2, b2, w3, b3) with its gradient and Adam moments, and
/// back-propagation of the weighted binary cross-entropy for one normalised row. Single-threaded on purpose: the
/// gradient is summed in one fixed order, so the same seed gives the same weights to the last bit.
/// </summary>
internal sealed class MlpTrainingState
{
    private const int In = AnomalyNetwork.Inputs;
    private const int H = AnomalyNetwork.Hidden;
    private const int W1 = 0;
    private const int B1 = W1 + In * H;
    private const int W2 = B1 + H;
    private const int B2 = W2 + H * H;
    private const int W3 = B2 + H;
    private const int B3 = W3 + H;
    private const int Size = B3 + 1;
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-7f;

    private readonly float[] _theta = new float[Size];
    private readonly float[] _grad = new float[Size];
    private readonly float[] _m = new float[Size];
    private readonly float[] _v = new float[Size];
    private readonly float[] _z1 = new float[H];
    private readonly float[] _a1 = new float[H];
    private readonly float[] _z2 = new float[H];
    private readonly float[] _a2 = new float[H];
    private readonly float[] _d2 = new float[H];
    private int _steps;

    /// <summary>He-uniform weights for the ReLU layers, Glorot-uniform for the output, zero biases.</summary>
    public MlpTrainingState(SeededRandom random)
    {
        Fill(random, W1, In * H, Math.Sqrt(6.0 / In));
        Fill(random, W2, H * H, Math.Sqrt(6.0 / H));
        Fill(random, W3, H, Math.Sqrt(6.0 / (H + 1)));
    }

    public void ZeroGradient() => Array.Clear(_grad);

    /// <summary>Adds the gradient of one row's loss (times <paramref name="scale"/>) and returns the loss.</summary>
    public double Accumulate(ReadOnlySpan<float> x, bool anomaly, float weight, float scale)
    {
        var theta = _theta.AsSpan();
        Layer(x, theta.Slice(W1, In * H), theta.Slice(B1, H), _z1, _a1);
        Layer(_a1, theta.Slice(W2, H * H), theta.Slice(B2, H), _z2, _a2);
        float logit = theta[B3];
        for (int k = 0; k < H; k++)
            logit += _a2[k] * theta[W3 + k];
        float p = AnomalyNetwork.Sigmoid(logit);
        double loss = weight * (anomaly ? -Math.Log(Math.Max(p, 1e-7)) : -Math.Log(Math.Max(1 - p, 1e-7)));

        // d(loss)/d(logit) for a sigmoid with cross-entropy is p − y, weighted.
        float d3 = scale * weight * (p - (anomaly ? 1f : 0f));
        _grad[B3] += d3;
        for (int k = 0; k < H; k++)
        {
            _grad[W3 + k] += d3 * _a2[k];
            _d2[k] = _z2[k] > 0 ? d3 * theta[W3 + k] : 0f;
            _grad[B2 + k] += _d2[k];
        }

        for (int j = 0; j < H; j++)
        {
            float d1 = 0f;
            for (int k = 0; k < H; k++)
            {
                _grad[W2 + j * H + k] += _a1[j] * _d2[k];
                d1 += theta[W2 + j * H + k] * _d2[k];
            }

            if (_z1[j] <= 0)
                continue;
            _grad[B1 + j] += d1;
            for (int i = 0; i < In; i++)
                _grad[W1 + i * H + j] += x[i] * d1;
        }

        return loss;
    }

    public void AdamStep(float learningRate)
    {
        _steps++;
        float correction1 = 1f - MathF.Pow(Beta1, _steps);
        float correction2 = 1f - MathF.Pow(Beta2, _steps);
        for (int i = 0; i < Size; i++)
        {
            float g = _grad[i];
            _m[i] = Beta1 * _m[i] + (1 - Beta1) * g;
            _v[i] = Beta2 * _v[i] + (1 - Beta2) * g * g;
            _theta[i] -= learningRate * (_m[i] / correction1) / (MathF.Sqrt(_v[i] / correction2) + Epsilon);
        }
    }

    public AnomalyNetwork ToNetwork(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        var theta = _theta.AsSpan();
        return new AnomalyNetwork(
            mean,
            std,
            theta.Slice(W1, In * H),
            theta.Slice(B1, H),
            theta.Slice(W2, H * H),
            theta.Slice(B2, H),
            theta.Slice(W3, H),
            theta[B3]);
    }

    private static void Layer(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> z, Span<float> a)
    {
        bias.CopyTo(z);
        for (int i = 0; i < input.Length; i++)
        {
            float value = input[i];
            var row = weights.Slice(i * H, H);
            for (int j = 0; j < H; j++)
                z[j] += value * row[j];
        }

        for (int j = 0; j < H; j++)
            a[j] = z[j] > 0 ? z[j] : 0f;
    }

    private void Fill(SeededRandom random, int offset, int count, double limit)
    {
        for (int i = 0; i < count; i++)
            _theta[offset + i] = (float)random.Uniform(-limit, limit);
    }
}
