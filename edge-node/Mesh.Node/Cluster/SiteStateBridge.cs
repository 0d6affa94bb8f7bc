using Akka.Actor;
using Akka.DistributedData;
using Mesh.Node.SiteState;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Cluster;

/// <summary>
/// Replicates the site state between the members of a site's cluster with Akka.DistributedData: this member's writes
/// go into their bucket (written locally, spread by gossip), and every change of a bucket, from any member, is merged
/// into this member's <see cref="SiteStateStore"/>. Merges are idempotent, so a member's own writes coming back change nothing.
/// </summary>
public sealed class SiteStateBridge : ReceiveActor
{
    private sealed record Write(SiteEntry Entry);

    public SiteStateBridge(SiteStateStore store, IActorRef replicator)
    {
        var self = Self;
        Action<SiteEntry> onWrite = e => self.Tell(new Write(e));
        store.Written += onWrite;
        foreach (var key in SiteBucket.Keys)
            replicator.Tell(Dsl.Subscribe(key, Self));

        Receive<Write>(w => replicator.Tell(Dsl.Update(SiteBucket.KeyOf(w.Entry.Key), SiteBucket.Empty, WriteLocal.Instance, b => b.With(w.Entry))));
        Receive<Changed>(c => store.Merge(((SiteBucket)c.Data).Entries.Values));
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(_ => { });
    }

    public static Props Props(SiteStateStore store, IActorRef replicator) => Akka.Actor.Props.Create(() => new SiteStateBridge(store, replicator));
}
