namespace Mesh.Inference.Anomaly;

/// <summary>How well a detector flagged a labelled set of readings: counts, precision, recall, F1, and recall per
/// fault kind (precision has no per-kind form: a false alarm has no kind).</summary>
public sealed record DetectionReport(
    int Readings,
    int Anomalies,
    int TruePositives,
    int FalsePositives,
    IReadOnlyList<KindRecall> ByKind)
{
    public int FalseNegatives => Anomalies - TruePositives;

    public int TrueNegatives => Readings - Anomalies - FalsePositives;

    /// <summary>Share of flagged readings that were anomalies; 1 when nothing was flagged.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Share of anomalies flagged; 1 when there were none.</summary>
    public double Recall => Anomalies == 0 ? 1 : (double)TruePositives / Anomalies;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static DetectionReport Of(IReadOnlyList<SensorSample> samples, IReadOnlyList<bool> flagged)
    {
        if (samples.Count != flagged.Count)
            throw new ArgumentException($"{samples.Count} samples but {flagged.Count} verdicts.", nameof(flagged));
        int anomalies = 0, truePositives = 0, falsePositives = 0;
        var count = new int[Enum.GetValues<FaultKind>().Length];
        var detected = new int[count.Length];
        for (int i = 0; i < samples.Count; i++)
        {
            var fault = samples[i].Fault;
            if (fault == FaultKind.None)
            {
                falsePositives += flagged[i] ? 1 : 0;
                continue;
            }

            anomalies++;
            count[(int)fault]++;
            if (flagged[i])
            {
                truePositives++;
                detected[(int)fault]++;
            }
        }

        var byKind = Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None)
            .Select(k => new KindRecall(k, count[(int)k], detected[(int)k]))
            .ToList();
        return new DetectionReport(samples.Count, anomalies, truePositives, falsePositives, byKind);
    }
}

/// <summary>How many readings of one fault kind there were and how many were flagged.</summary>
public sealed record KindRecall(FaultKind Kind, int Count, int Detected)
{
    public double Recall => Count == 0 ? 1 : (double)Detected / Count;
}
