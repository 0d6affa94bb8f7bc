using Akka.Actor;
using Akka.Cluster;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Cluster;

/// <summary>
/// Records the site cluster's membership changes, as this member sees them, in its audit journal
/// (<see cref="AuditKind.SiteMembership"/>): members are named by their node id (each member carries the role
/// <c>node:&lt;id&gt;</c>), and each record lists the members up afterwards. Removals also pulse
/// <see cref="MemberRemovals"/>.
/// </summary>
public sealed class MembershipRecorder : ReceiveActor
{
    public const string RolePrefix = "node:";
    private readonly AuditJournal _journal;
    private readonly MemberRemovals _removals;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly SortedSet<string> _up = new(StringComparer.Ordinal);
    private long _events;

    public MembershipRecorder(AuditJournal journal, MemberRemovals removals)
    {
        _journal = journal;
        _removals = removals;
        Receive<ClusterEvent.MemberUp>(e => Record("up", e.Member));
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            Record("removed", e.Member);
            _removals.Pulse();
        });
        Receive<ClusterEvent.UnreachableMember>(e => Record("unreachable", e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Record("reachable", e.Member));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
    }

    protected override void PreStart()
    {
        _removals.Watch();
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    public static Props Props(AuditJournal journal, MemberRemovals removals) => Akka.Actor.Props.Create(() => new MembershipRecorder(journal, removals));

    /// <summary>The node id a member carries in its roles, or its address.</summary>
    public static string NodeIdOf(Member m) =>
        m.Roles.FirstOrDefault(r => r.StartsWith(RolePrefix, StringComparison.Ordinal))?[RolePrefix.Length..] ?? m.Address.ToString();

    private void Record(string change, Member member)
    {
        // Tracked from the events themselves (the cluster's state snapshot may not have caught up with them yet).
        if (change == "up")
            _up.Add(NodeIdOf(member));
        else if (change == "removed")
            _up.Remove(NodeIdOf(member));
        var key = $"membership/{_cluster.SelfUniqueAddress.Uid}/{++_events}";
        var body = AuditDrafts.Json(w =>
        {
            w.WriteString("change", change);
            w.WriteString("member", NodeIdOf(member));
            w.WriteString("address", member.Address.ToString());
            w.WriteStartArray("members_up");
            foreach (var id in _up)
                w.WriteStringValue(id);
            w.WriteEndArray();
        });
        _journal.AppendAsync([new AuditDraft(AuditKind.SiteMembership, "", key, default, AuditRoute.None, "", "", change, NodeIdOf(member), body)]);
    }
}
