using System.Globalization;
using Mesh.Node.Agents;

namespace Mesh.Node.Decisions;

/// <summary>
/// The decision core: a pure function of (device state, observation, rules). No clock, no I/O, no
/// randomness — the same inputs always give the same decision, which is what makes replay possible.
/// </summary>
public static class DecisionCore
{
    public static Decision Decide(DeviceState state, Observation observation, IReadOnlyList<ThresholdRule> rules, string inputDigest)
    {
        if (state.HasSeen(observation.Seq))
            return new Decision(DecisionOutcome.Duplicate, null);

        var fired = new List<RuleFired>();
        foreach (var rule in rules)
        {
            var value = observation.ValueOf(rule.Metric);
            if (value is not { } v)
                continue;
            var active = state.ActiveRules.Contains(rule.Name);
            if (!active && v > rule.Above)
            {
                fired.Add(new RuleFired(rule.Name, rule.OnAction, rule.Metric, v, rule.Above, true,
                    string.Create(CultureInfo.InvariantCulture, $"{rule.Metric} {v:R} > {rule.Above:R}")));
            }
            else if (active && v < rule.Above - rule.Hysteresis)
            {
                var limit = rule.Above - rule.Hysteresis;
                fired.Add(new RuleFired(rule.Name, rule.OffAction, rule.Metric, v, limit, false,
                    string.Create(CultureInfo.InvariantCulture, $"{rule.Metric} {v:R} < {limit:R}")));
            }
        }

        var evt = new DeviceEvents.ReadingProcessed(observation.Seq, observation.Timestamp, observation.Metrics, inputDigest, fired);
        return new Decision(DecisionOutcome.Accepted, evt);
    }
}

public enum DecisionOutcome
{
    Accepted,
    Duplicate,
}

/// <summary>What the core decided: the event to persist (none for a duplicate).</summary>
public sealed record Decision(DecisionOutcome Outcome, DeviceEvents.ReadingProcessed? Event);
