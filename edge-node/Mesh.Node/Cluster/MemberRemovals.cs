namespace Mesh.Node.Cluster;

/// <summary>
/// Pulsed when a member leaves the site's cluster (removed: its shards move to the survivors). A reading asked of a
/// device agent on that member got no answer and never will; the ingest path asks again at once instead of waiting
/// out <see cref="IngestOptions.DecisionTimeout"/>. Never pulsed on a node without a cluster.
/// </summary>
public sealed class MemberRemovals
{
    private readonly AsyncSignal _removed = new();
    private volatile bool _watched;

    /// <summary>True once a site cluster's membership is watched (a standalone node never pulses).</summary>
    public bool Watched => _watched;

    /// <summary>Called by the membership watcher when it starts.</summary>
    public void Watch() => _watched = true;

    /// <summary>Completes at the next removal; take it before sending, so a removal in between is not missed.</summary>
    public Task NextAsync() => _removed.WaitAsync();

    public void Pulse() => _removed.Pulse();
}
