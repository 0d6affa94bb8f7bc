namespace Mesh.Cli.Bench;

/// <summary>What the simulated nodes of <c>mesh bench hub</c> saw, shared by all of them. Thread-safe.</summary>
internal sealed class HubBenchCounters
{
    private readonly List<double> _latenciesMs = [];
    private long _stored;
    private long _sessions;
    private long _shed;
    private long _failed;

    public long StoredRecords => Interlocked.Read(ref _stored);

    public long Sessions => Interlocked.Read(ref _sessions);

    public long ShedSessions => Interlocked.Read(ref _shed);

    /// <summary>Sessions that failed for another reason than shedding (and were retried).</summary>
    public long FailedSessions => Interlocked.Read(ref _failed);

    public void Stored(long records) => Interlocked.Add(ref _stored, records);

    public void SessionOpened() => Interlocked.Increment(ref _sessions);

    public void Shed() => Interlocked.Increment(ref _shed);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void BatchAcked(TimeSpan latency)
    {
        lock (_latenciesMs)
            _latenciesMs.Add(latency.TotalMilliseconds);
    }

    /// <summary>Batch ack latencies in milliseconds, sorted.</summary>
    public double[] SortedLatencies()
    {
        lock (_latenciesMs)
        {
            var sorted = _latenciesMs.ToArray();
            Array.Sort(sorted);
            return sorted;
        }
    }
}
