using Mesh.Node.Agents;
using Mesh.Node.Policy;

namespace Mesh.Node.Decisions;

/// <summary>
/// The decision core: a pure function of (device state, reading, the device's policy, inference results).
/// No clock, no I/O, no randomness — the same inputs always give the same decision, which is what makes
/// replay possible. Time windows and rate limits count by the readings' own timestamps.
/// </summary>
public static class DecisionCore
{
    public static Decision Decide(DeviceState state, Observation observation, DevicePolicy policy, InferenceResults inference, string inputDigest)
    {
        if (state.HasSeen(observation.Seq))
            return new Decision(DecisionOutcome.Duplicate, null);

        var tsMs = observation.Timestamp.ToUnixTimeMilliseconds();
        Span<double> values = policy.Metrics.Length <= 64 ? stackalloc double[policy.Metrics.Length] : new double[policy.Metrics.Length];
        Fill(values, policy.Metrics, observation.Metrics);

        Span<int> counts = policy.Windows.Length <= 32 ? stackalloc int[policy.Windows.Length] : new int[policy.Windows.Length];
        List<WindowHit>? hits = null;
        var noCounts = new EvalContext(values, [], inference);
        for (var i = 0; i < policy.Windows.Length; i++)
        {
            var w = policy.Windows[i];
            var after = tsMs - w.WithinMs;
            var hit = w.Predicate.Eval(noCounts) == Tri.True;
            counts[i] = state.CountWithin(w.Key, after, tsMs) + (hit ? 1 : 0);
            if (hit)
                (hits ??= []).Add(new WindowHit(w.Key, tsMs, after));
        }

        // Which rules are on: one pass over the (few) active ids rather than a set lookup per rule.
        Span<bool> on = policy.Rules.Length <= 256 ? stackalloc bool[policy.Rules.Length] : new bool[policy.Rules.Length];
        foreach (var id in state.ActiveRules)
            if (policy.RuleIndex.TryGetValue(id, out var index))
                on[index] = true;

        var ctx = new EvalContext(values, counts, inference);
        List<RuleFired>? fired = null;
        for (var r = 0; r < policy.Rules.Length; r++)
        {
            var rule = policy.Rules[r];
            // On when `when` holds and `clear` does not (a count window can keep `when` true after the reading
            // that clears it: without this the rule would flap); off when `clear` holds.
            var active = on[r];
            var condition = active ? rule.Clear : rule.When;
            if (condition.Eval(ctx) != Tri.True || (!active && rule.Clear.Eval(ctx) == Tri.True))
                continue;
            var reasons = new List<string>(2);
            condition.Explain(ctx, reasons);
            var action = active ? rule.Source.ClearAction : rule.Source.Action;
            var judged = PolicyGate.Judge(state, observation, tsMs, rule.Source, action, !active, string.Join("; ", reasons), policy, fired);
            (fired ??= []).Add(rule.Models.Length == 0 ? judged : judged with { Models = rule.Models });
        }

        var evt = new DeviceEvents.ReadingProcessed(
            observation.Seq, observation.Timestamp, observation.Metrics, inputDigest, policy.PolicyRef,
            fired ?? (IReadOnlyList<RuleFired>)[], hits ?? (IReadOnlyList<WindowHit>)[],
            tsMs - policy.IssuedRetentionMs,
            inference.Runs.Count == 0 ? null : inference.Runs);
        return new Decision(DecisionOutcome.Accepted, evt);
    }

    /// <summary>Both lists are sorted ordinally: one merge pass puts each reading value in its slot (NaN = absent).</summary>
    private static void Fill(Span<double> values, string[] slots, IReadOnlyList<Metric> metrics)
    {
        values.Fill(double.NaN);
        var m = 0;
        for (var s = 0; s < slots.Length && m < metrics.Count;)
        {
            var c = string.CompareOrdinal(slots[s], metrics[m].Name);
            if (c == 0)
                values[s++] = metrics[m++].Value;
            else if (c < 0)
                s++;
            else
                m++;
        }
    }
}

public enum DecisionOutcome
{
    Accepted,
    Duplicate,
}

/// <summary>What the core decided: the event to persist (none for a duplicate).</summary>
public sealed record Decision(DecisionOutcome Outcome, DeviceEvents.ReadingProcessed? Event);
