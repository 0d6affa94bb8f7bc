namespace Mesh.Protocol.Tests.Crdt;

/// <summary>The laws every merge must keep, checked on three replica states built by a random script.</summary>
internal static class MergeLaws
{
    public static void Hold<T>(T a, T b, T c, Func<T, T, T> merge)
    {
        merge(a, b).ShouldBe(merge(b, a), "commutative");
        merge(merge(a, b), c).ShouldBe(merge(a, merge(b, c)), "associative");
        merge(a, a).ShouldBe(a, "idempotent");
        // Merging what one already merged changes nothing (repeated gossip).
        merge(merge(a, b), b).ShouldBe(merge(a, b), "re-delivery");
    }

    /// <summary>Runs <paramref name="script"/> (triples: replica, operation, argument) over three replicas n0..n2.
    /// Operation 0 merges another replica's state in (gossip); the others are <paramref name="step"/>'s.</summary>
    public static T[] Replicas<T>(byte[] script, T empty, Func<T, string, int, byte, T> step, Func<T, T, T> merge, int operations)
    {
        var replicas = new[] { empty, empty, empty };
        for (var i = 0; i + 2 < script.Length; i += 3)
        {
            var r = script[i] % 3;
            var op = script[i + 1] % operations;
            var arg = script[i + 2];
            replicas[r] = op == 0 ? merge(replicas[r], replicas[arg % 3]) : step(replicas[r], "n" + r, op, arg);
        }
        return replicas;
    }

    /// <summary>Every replica after a full exchange (each merges all the others).</summary>
    public static T[] Converge<T>(T[] replicas, Func<T, T, T> merge) =>
        replicas.Select((_, i) => replicas.Skip(i).Concat(replicas.Take(i)).Aggregate(merge)).ToArray();
}
