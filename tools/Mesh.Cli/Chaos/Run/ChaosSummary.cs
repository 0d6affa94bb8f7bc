namespace Mesh.Cli.Chaos.Run;

/// <summary>The end-of-run summary of <c>mesh chaos run</c>.</summary>
public static class ChaosSummary
{
    public static void Print(ChaosReport r, Action<string> say)
    {
        say($"chaos run: {r.Elapsed.TotalSeconds:F0} s; {r.NodeKills} node kill(s), {r.HubKills} hub kill(s), {r.Partitions} partition(s)");
        if (r.NodeRecoveryMs.Count > 0)
            say($"  node back after SIGKILL: median {Median(r.NodeRecoveryMs):F0} ms, max {r.NodeRecoveryMs.Max():F0} ms");
        if (r.HubRecoveryMs.Count > 0)
            say($"  hub back after SIGKILL:  median {Median(r.HubRecoveryMs):F0} ms, max {r.HubRecoveryMs.Max():F0} ms");
        say($"  readings acknowledged {r.ReadingsAcknowledged:N0}; observations {r.Observations:N0}, decisions {r.Decisions:N0}, actions {r.Actions:N0}; records at the hub {r.RecordsAtHub:N0}");
        foreach (var (reason, n) in r.RejectionsByReason)
            say($"  rejected {n,6:N0}  {reason}");
        if (r.Passed)
            say("  PASSED: nothing acknowledged lost, nothing decided or sent twice, every chain verifies at its node and at the hub, every rejection names its reason, every process is up");
        foreach (var p in r.Problems)
            say("  FAILED: " + p);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
