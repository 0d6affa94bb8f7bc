using FsCheck.Xunit;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Crdt;

/// <summary>Merge rules of the site's shared state: commutative, associative, idempotent, and convergent, for states
/// reached by random interleavings of writes and gossip on three replicas.</summary>
public sealed class CrdtPropertyTests
{
    private const int Runs = 300;

    [Property(MaxTest = Runs)]
    public void LwwRegister_AnyScript_MergeKeepsTheLaws(byte[] script)
    {
        var r = LwwReplicas(script);
        MergeLaws.Hold(r[0], r[1], r[2], (a, b) => a.Merge(b));
    }

    [Property(MaxTest = Runs)]
    public void LwwRegister_AfterFullExchange_EveryReplicaHoldsTheGreatestStamp(byte[] script)
    {
        var r = LwwReplicas(script);
        var converged = MergeLaws.Converge(r, (a, b) => a.Merge(b));
        converged.ShouldAllBe(x => x == converged[0]);
        converged[0].Stamp.ShouldBe(r.Max(x => x.Stamp));
    }

    [Property(MaxTest = Runs)]
    public void PnCounter_AnyScript_MergeKeepsTheLaws(byte[] script)
    {
        var r = CounterReplicas(script);
        MergeLaws.Hold(r[0], r[1], r[2], (a, b) => a.Merge(b));
    }

    [Property(MaxTest = Runs)]
    public void PnCounter_AfterFullExchange_TotalIsEveryNodesOwnSum(byte[] script)
    {
        var r = CounterReplicas(script);
        var converged = MergeLaws.Converge(r, (a, b) => a.Merge(b));
        converged.ShouldAllBe(x => x.Equals(converged[0]));
        // Each node's own replica holds all of its own additions, so the converged total is their sum.
        converged[0].Value.ShouldBe(Enumerable.Range(0, 3).Sum(i => r[i].ValueOf("n" + i)));
    }

    [Property(MaxTest = Runs)]
    public void OrSet_AnyScript_MergeKeepsTheLaws(byte[] script)
    {
        var r = SetReplicas(script);
        MergeLaws.Hold(r[0], r[1], r[2], (a, b) => a.Merge(b));
    }

    [Property(MaxTest = Runs)]
    public void OrSet_AfterFullExchange_EveryReplicaHoldsTheSameElements(byte[] script)
    {
        var converged = MergeLaws.Converge(SetReplicas(script), (a, b) => a.Merge(b));
        converged.ShouldAllBe(x => x.Equals(converged[0]));
        converged.ShouldAllBe(x => x.Elements.SetEquals(converged[0].Elements));
    }

    [Property(MaxTest = Runs)]
    public void MvRegister_AnyScript_MergeKeepsTheLaws(byte[] script)
    {
        var r = CommandReplicas(script);
        MergeLaws.Hold(r[0], r[1], r[2], (a, b) => a.Merge(b));
    }

    [Property(MaxTest = Runs)]
    public void CommandConflicts_AfterFullExchange_EveryReplicaNamesTheSameWinner(byte[] script)
    {
        var converged = MergeLaws.Converge(CommandReplicas(script), (a, b) => a.Merge(b));
        var verdicts = converged.Select(x => CommandConflicts.Resolve("dev-1", x.Values)).ToArray();
        verdicts.ShouldAllBe(v => (v == null) == (verdicts[0] == null));
        if (verdicts[0] is { } first)
            verdicts.ShouldAllBe(v => v!.Id == first.Id && v.WinnerDot == first.WinnerDot && v.Reason == first.Reason);
    }

    [Property(MaxTest = Runs)]
    public void CommandConflicts_ValuesInAnyOrder_SameVerdict(byte[] script, int seed)
    {
        var register = MergeLaws.Converge(CommandReplicas(script), (a, b) => a.Merge(b))[0];
        var values = register.Values.ToArray();
        var shuffled = values.ToArray();
        new Random(seed).Shuffle(shuffled);
        var a = CommandConflicts.Resolve("dev-1", values);
        var b = CommandConflicts.Resolve("dev-1", shuffled);
        (a?.Id, a?.WinnerDot, a?.Reason).ShouldBe((b?.Id, b?.WinnerDot, b?.Reason));
    }

    private static LwwRegister<int>[] LwwReplicas(byte[] script)
    {
        var clocks = Enumerable.Range(0, 3).Select(i => new StepClock("n" + i)).ToArray();
        var start = new LwwRegister<int>(0, new HlcTimestamp(0, 0, ""));
        return MergeLaws.Replicas(script, start, (reg, node, _, arg) =>
        {
            var clock = clocks[node[1] - '0'];
            clock.Observe(reg.Stamp);
            return reg.Write(arg, clock.Next(arg % 4));
        }, (a, b) => a.Merge(b), operations: 2);
    }

    private static PnCounter[] CounterReplicas(byte[] script) =>
        MergeLaws.Replicas(script, PnCounter.Zero, (c, node, op, arg) => c.Add(node, op == 1 ? arg : -arg), (a, b) => a.Merge(b), operations: 3);

    private static OrSet<string>[] SetReplicas(byte[] script) =>
        MergeLaws.Replicas(script, OrSet<string>.Empty,
            (s, node, op, arg) => op == 1 ? s.Add(node, "alarm-" + arg % 5) : s.Remove("alarm-" + arg % 5), (a, b) => a.Merge(b), operations: 3);

    private static MvRegister<DeviceCommand>[] CommandReplicas(byte[] script)
    {
        var clocks = Enumerable.Range(0, 3).Select(i => new StepClock("n" + i)).ToArray();
        string[] actions = ["cooling-on", "cooling-off", "vent-open"];
        return MergeLaws.Replicas(script, MvRegister<DeviceCommand>.Empty, (reg, node, _, arg) =>
        {
            var clock = clocks[node[1] - '0'];
            foreach (var (_, seen) in reg.Values)
                clock.Observe(seen.Stamp);
            return reg.Write(node, new DeviceCommand(actions[arg % 3], "rule-" + arg % 3, arg % 2 * 10, clock.Next(arg % 3), arg));
        }, (a, b) => a.Merge(b), operations: 2);
    }

    /// <summary>A per-replica HLC over scripted wall time: wall steps of 0 make equal walls on different nodes, so
    /// ties on (wall, counter) and the node-id rule get exercised.</summary>
    private sealed class StepClock(string node)
    {
        private long _wall;
        private int _counter;

        public void Observe(HlcTimestamp seen)
        {
            if (seen.WallMillis > _wall || (seen.WallMillis == _wall && seen.Counter > _counter))
                (_wall, _counter) = (seen.WallMillis, seen.Counter);
        }

        public HlcTimestamp Next(int step)
        {
            if (step > 0)
                (_wall, _counter) = (_wall + step, 0);
            else
                _counter++;
            return new HlcTimestamp(_wall, _counter, node);
        }
    }
}
