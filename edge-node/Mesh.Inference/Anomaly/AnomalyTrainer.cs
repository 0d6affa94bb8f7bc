namespace Mesh.Inference.Anomaly;

/// <summary>
/// Fits <see cref="AnomalyNetwork"/> on labelled readings: normalisation from the training readings, then
/// mini-batch Adam on class-weighted binary cross-entropy, keeping the epoch with the best F1 on the validation
/// devices. Deterministic for a seed.
/// </summary>
public static class AnomalyTrainer
{
    /// <summary>Readings with a score at or above this are flagged as anomalous.</summary>
    public const float Threshold = 0.5f;

    public static AnomalyFit Train(
        IReadOnlyList<SensorSample> training,
        IReadOnlyList<SensorSample> validation,
        AnomalyTrainerOptions options,
        IProgress<TrainingProgress>? progress = null)
    {
        options.Validate();
        int anomalies = training.Count(s => s.IsAnomaly);
        if (anomalies == 0 || anomalies == training.Count)
            throw new ArgumentException("Training needs both normal and anomalous readings.", nameof(training));
        double positiveWeight = options.PositiveWeight > 0
            ? options.PositiveWeight
            : Math.Pow((double)(training.Count - anomalies) / anomalies, 0.25);

        var rows = AnomalyFeatures.Rows(training);
        var (mean, std) = Moments(rows);
        Normalise(rows, mean, std);
        var validationRows = AnomalyFeatures.Rows(validation);

        var state = new MlpTrainingState(new SeededRandom(options.Seed, stream: -2));
        var order = Enumerable.Range(0, training.Count).ToArray();
        var shuffler = new SeededRandom(options.Seed, stream: -3);
        var epochs = new List<EpochResult>(options.Epochs);
        AnomalyNetwork? best = null;
        int bestEpoch = 0;
        double bestF1 = -1;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            shuffler.Shuffle(order);
            float learningRate = options.LearningRate * (float)(0.1 + 0.45 * (1 + Math.Cos(Math.PI * (epoch - 1) / options.Epochs)));
            double loss = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                int end = Math.Min(start + options.BatchSize, order.Length);
                float scale = 1f / (end - start);
                state.ZeroGradient();
                for (int b = start; b < end; b++)
                {
                    int i = order[b];
                    bool anomaly = training[i].IsAnomaly;
                    loss += state.Accumulate(rows.AsSpan(i * AnomalyFeatures.Count, AnomalyFeatures.Count), anomaly, anomaly ? (float)positiveWeight : 1f, scale);
                }

                state.AdamStep(learningRate);
            }

            var network = state.ToNetwork(mean, std);
            double f1 = Evaluate(network, validation, validationRows).F1;
            epochs.Add(new EpochResult(epoch, loss / training.Count, f1));
            progress?.Report(new TrainingProgress(TrainingStage.Training, epoch, options.Epochs, loss / training.Count, f1));
            if (f1 > bestF1)
            {
                (best, bestEpoch, bestF1) = (network, epoch, f1);
            }
        }

        return new AnomalyFit(best!, bestEpoch, positiveWeight, epochs);
    }

    /// <summary>The network's verdicts at <see cref="Threshold"/> on labelled readings.</summary>
    public static DetectionReport Evaluate(AnomalyNetwork network, IReadOnlyList<SensorSample> samples) =>
        Evaluate(network, samples, AnomalyFeatures.Rows(samples));

    private static DetectionReport Evaluate(AnomalyNetwork network, IReadOnlyList<SensorSample> samples, float[] rows)
    {
        var scores = new float[samples.Count];
        network.Score(rows, scores);
        return DetectionReport.Of(samples, scores.Select(s => s >= Threshold).ToList());
    }

    private static (float[] Mean, float[] Std) Moments(float[] rows)
    {
        const int n = AnomalyFeatures.Count;
        int count = rows.Length / n;
        var sum = new double[n];
        var squares = new double[n];
        for (int r = 0; r < count; r++)
        {
            for (int i = 0; i < n; i++)
            {
                double value = rows[r * n + i];
                sum[i] += value;
                squares[i] += value * value;
            }
        }

        var mean = new float[n];
        var std = new float[n];
        for (int i = 0; i < n; i++)
        {
            double m = sum[i] / count;
            mean[i] = (float)m;
            std[i] = (float)Math.Max(Math.Sqrt(Math.Max(squares[i] / count - m * m, 0)), 1e-3);
        }

        return (mean, std);
    }

    /// <summary>The same float operations, in the same order, as the model's Sub and Div nodes.</summary>
    private static void Normalise(float[] rows, float[] mean, float[] std)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            int column = i % AnomalyFeatures.Count;
            rows[i] = (rows[i] - mean[column]) / std[column];
        }
    }
}
