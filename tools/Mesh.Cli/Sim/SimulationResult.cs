namespace Mesh.Cli.Sim;

/// <summary>What a simulation run did. "Valid" readings are the well-formed ones the node should turn into
/// observations; "malformed" ones are meant to be refused (and still acknowledged) by the node.</summary>
public sealed record SimulationResult
{
    /// <summary>Readings published at least once, valid and malformed.</summary>
    public required long Attempted { get; init; }

    public required long AttemptedValid { get; init; }

    public required long AttemptedMalformed { get; init; }

    /// <summary>Valid readings whose publish got a success PUBACK.</summary>
    public required long Acknowledged { get; init; }

    /// <summary>Malformed publishes that got a success PUBACK (the node recorded the refusal).</summary>
    public required long AcknowledgedMalformed { get; init; }

    /// <summary>Malformed publishes answered with an error reason code, or that the broker would not take
    /// (an oversized one is tried three times at most); not retried further.</summary>
    public required long RefusedMalformed { get; init; }

    /// <summary>Republishes of a reading already sent once (after a failure, a drop or an error reason code).</summary>
    public required long Retries { get; init; }

    /// <summary>Reconnections after a lost connection (not counting the first connect).</summary>
    public required long Reconnects { get; init; }

    /// <summary>Readings never acknowledged: given up after <see cref="SimulatorOptions.GiveUpAfter"/>, or
    /// still unacknowledged when the run was cancelled.</summary>
    public required long Failures { get; init; }

    /// <summary>True when the run was cancelled before it finished.</summary>
    public required bool Cancelled { get; init; }

    /// <summary>From the moment every device was connected until every device was done (its readings
    /// acknowledged or given up), before disconnecting.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Publish-to-PUBACK latency of the acknowledged attempt, over acknowledged valid readings (0 when none).</summary>
    public required double LatencyP50Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    /// <summary>Per device, the seqs of its acknowledged valid readings in ascending order: every one of
    /// them must be in the node's audit trail.</summary>
    public required IReadOnlyDictionary<(string Site, string Device), IReadOnlyList<long>> AckedSeqs { get; init; }

    /// <summary>Malformed publishes attempted, by kind.</summary>
    public required IReadOnlyDictionary<MalformedKind, long> MalformedByKind { get; init; }

    /// <summary>True when every valid reading attempted was acknowledged.</summary>
    public bool AllValidAcknowledged => Acknowledged == AttemptedValid;

    /// <summary>Acknowledged valid readings per second of <see cref="Elapsed"/>.</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Acknowledged / Elapsed.TotalSeconds : 0;

    /// <summary>Two simulations that ran side by side against one node (different devices), as one: counts add up and
    /// the elapsed time is the longer. Percentiles cannot be merged from percentiles: the worse of the two is kept as an
    /// upper bound; report each run's own when the figure matters.</summary>
    public static SimulationResult Combine(SimulationResult a, SimulationResult b) => new()
    {
        Attempted = a.Attempted + b.Attempted,
        AttemptedValid = a.AttemptedValid + b.AttemptedValid,
        AttemptedMalformed = a.AttemptedMalformed + b.AttemptedMalformed,
        Acknowledged = a.Acknowledged + b.Acknowledged,
        AcknowledgedMalformed = a.AcknowledgedMalformed + b.AcknowledgedMalformed,
        RefusedMalformed = a.RefusedMalformed + b.RefusedMalformed,
        Retries = a.Retries + b.Retries,
        Reconnects = a.Reconnects + b.Reconnects,
        Failures = a.Failures + b.Failures,
        Cancelled = a.Cancelled || b.Cancelled,
        Elapsed = a.Elapsed > b.Elapsed ? a.Elapsed : b.Elapsed,
        LatencyP50Ms = Math.Max(a.LatencyP50Ms, b.LatencyP50Ms),
        LatencyP99Ms = Math.Max(a.LatencyP99Ms, b.LatencyP99Ms),
        AckedSeqs = a.AckedSeqs.Concat(b.AckedSeqs).ToDictionary(kv => kv.Key, kv => kv.Value),
        MalformedByKind = a.MalformedByKind.Concat(b.MalformedByKind).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)),
    };
}
