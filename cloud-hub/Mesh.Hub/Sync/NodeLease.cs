namespace Mesh.Hub.Sync;

/// <summary>Holds a node's stream slot (<see cref="NodeLeases"/>) until disposed;
/// <see cref="Superseded"/> fires when a newer stream for the node wants it.</summary>
public sealed class NodeLease : IDisposable
{
    private readonly Action _release;
    private int _released;

    internal NodeLease(CancellationToken superseded, Action release)
    {
        Superseded = superseded;
        _release = release;
    }

    public CancellationToken Superseded { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            _release();
    }
}
