namespace Mesh.Cli.Sim;

/// <summary>Run-wide counters, updated by every device concurrently and read by the progress reporter.</summary>
internal sealed class SimulationCounters
{
    private readonly long[] _malformedByKind = new long[Enum.GetValues<MalformedKind>().Length];
    private long _sentValid;
    private long _sentMalformed;
    private long _acked;
    private long _ackedMalformed;
    private long _refusedMalformed;
    private long _retries;
    private long _reconnects;
    private long _failures;

    public long SentValid => Interlocked.Read(ref _sentValid);
    public long SentMalformed => Interlocked.Read(ref _sentMalformed);
    public long Acknowledged => Interlocked.Read(ref _acked);
    public long AcknowledgedMalformed => Interlocked.Read(ref _ackedMalformed);
    public long RefusedMalformed => Interlocked.Read(ref _refusedMalformed);
    public long Retries => Interlocked.Read(ref _retries);
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long Failures => Interlocked.Read(ref _failures);

    public void FirstAttempt(Reading r)
    {
        if (r.Malformed is { } kind)
        {
            Interlocked.Increment(ref _sentMalformed);
            Interlocked.Increment(ref _malformedByKind[(int)kind]);
        }
        else
        {
            Interlocked.Increment(ref _sentValid);
        }
    }

    public void Retry() => Interlocked.Increment(ref _retries);

    public void Reconnect() => Interlocked.Increment(ref _reconnects);

    public void Acked(Reading r)
    {
        if (r.IsValid)
            Interlocked.Increment(ref _acked);
        else
            Interlocked.Increment(ref _ackedMalformed);
    }

    public void Refused() => Interlocked.Increment(ref _refusedMalformed);

    public void Failed() => Interlocked.Increment(ref _failures);

    public IReadOnlyDictionary<MalformedKind, long> MalformedByKind() =>
        Enum.GetValues<MalformedKind>().ToDictionary(k => k, k => Interlocked.Read(ref _malformedByKind[(int)k]));
}
