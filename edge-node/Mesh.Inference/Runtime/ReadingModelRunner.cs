using Mesh.Protocol.Models;
using Microsoft.ML.OnnxRuntime;

namespace Mesh.Inference.Runtime;

/// <summary>
/// Runs a reading model (one float32 input row per reading, one score per row) over batches, without allocating per
/// run: the input and output buffers are allocated once for the largest batch, and the <see cref="OrtValue"/>s that
/// view their first n rows are created the first time a batch of n runs and kept. Not thread-safe: one
/// <see cref="MicroBatcher"/> loop owns it.
/// </summary>
public sealed class ReadingModelRunner : IDisposable
{
    private readonly ModelSession _model;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue?[] _inputValues;
    private readonly OrtValue?[] _outputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputArg = new OrtValue[1];
    private readonly OrtValue[] _outputArg = new OrtValue[1];
    private readonly RunOptions _runOptions = new();

    public ReadingModelRunner(ModelSession model, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var manifest = model.Manifest;
        if (!manifest.IsReadingModel || manifest.Score is null)
            throw new ArgumentException($"model {manifest.Name} has no features and score: it is not a reading model", nameof(model));
        _model = model;
        Width = manifest.Features.Count;
        MaxBatch = maxBatch;
        _input = new float[maxBatch * Width];
        _output = new float[maxBatch];
        _inputValues = new OrtValue?[maxBatch + 1];
        _outputValues = new OrtValue?[maxBatch + 1];
        _inputNames = [manifest.Inputs[0].Name];
        _outputNames = [manifest.Score.Output];
        OutputRank = manifest.Outputs.First(o => o.Name == manifest.Score.Output).Shape.Count;
    }

    /// <summary>Columns of an input row.</summary>
    public int Width { get; }

    public int MaxBatch { get; }

    public ModelSession Model => _model;

    private int OutputRank { get; }

    /// <summary>Row <paramref name="i"/> of the input buffer, to fill before <see cref="Run"/>.</summary>
    public Span<float> Row(int i) => _input.AsSpan(i * Width, Width);

    /// <summary>Scores the first <paramref name="n"/> rows; <see cref="Score"/> reads the results.</summary>
    public void Run(int n)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _inputArg[0] = _inputValues[n] ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * Width), [n, Width]);
        _outputArg[0] = _outputValues[n] ??= OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, n),
            OutputRank == 2 ? [n, 1] : [n]);
        _model.Session.Run(_runOptions, _inputNames, _inputArg, _outputNames, _outputArg);
    }

    public float Score(int i) => _output[i];

    /// <summary>Runs batches of one and of <see cref="MaxBatch"/> once, so the first reading does not pay for
    /// the runtime's lazy initialisation.</summary>
    public void WarmUp()
    {
        Array.Clear(_input);
        Run(1);
        Run(MaxBatch);
    }

    public void Dispose()
    {
        foreach (var v in _inputValues)
            v?.Dispose();
        foreach (var v in _outputValues)
            v?.Dispose();
        _runOptions.Dispose();
    }
}
