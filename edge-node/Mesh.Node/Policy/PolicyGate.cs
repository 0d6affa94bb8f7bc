using System.Security.Cryptography;
using System.Text;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>
/// The policy gate: what becomes of an action a rule proposes. In order: nothing to do, the rule's
/// <c>deny</c>, the site's rate limits (counted by reading time, commands of this reading included), then
/// <c>require_approval</c> or <c>allow</c>. Pure, like the decision core it serves.
/// </summary>
public static class PolicyGate
{
    internal static RuleFired Judge(DeviceState state, Decisions.Observation observation, long tsMs, PolicyRule rule, string action,
        bool switchingOn, string reason, DevicePolicy policy, IReadOnlyList<RuleFired>? sameReading)
    {
        if (action.Length == 0)
            return new RuleFired(rule.Id, action, switchingOn, GateOutcome.NoAction, rule.Priority, reason, null);
        if (rule.Gate == Gate.Deny)
            return new RuleFired(rule.Id, action, switchingOn, GateOutcome.Denied, rule.Priority, reason + "; gate: deny", null);
        if (OverLimit(state, action, tsMs, policy, sameReading) is { } limit)
            return new RuleFired(rule.Id, action, switchingOn, GateOutcome.RateLimited, rule.Priority,
                $"{reason}; rate limit: at most {limit.Max} '{limit.Action}' per {limit.Per}", null);
        if (rule.Gate == Gate.RequireApproval && rule.Approval is { } spec)
        {
            var pending = new PendingApproval(
                ApprovalId(observation, rule.Id), rule.Id, action, observation.Seq, tsMs,
                tsMs + (long)spec.Timeout.TotalMilliseconds, (long)spec.MaxAge.TotalMilliseconds,
                spec.OnTimeout, spec.Offline, spec.Role, reason);
            return new RuleFired(rule.Id, action, switchingOn, GateOutcome.ApprovalRequested, rule.Priority, reason, pending);
        }
        return new RuleFired(rule.Id, action, switchingOn, GateOutcome.Allowed, rule.Priority, reason, null);
    }

    /// <summary>A stable id, the same on every replica and every replay: derived from site, device, sequence and rule.</summary>
    public static string ApprovalId(Decisions.Observation o, string rule)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{o.Site}\n{o.Device}\n{o.Seq}\n{rule}"));
        return "apr-" + Convert.ToHexStringLower(digest)[..20];
    }

    private static RateLimit? OverLimit(DeviceState state, string action, long tsMs, DevicePolicy policy, IReadOnlyList<RuleFired>? sameReading)
    {
        foreach (var limit in policy.RateLimits)
        {
            if (limit.Action != "*" && limit.Action != action)
                continue;
            var sent = state.IssuedWithin(limit.Action, tsMs - (long)limit.Per.TotalMilliseconds);
            if (sameReading is not null)
                foreach (var f in sameReading)
                    if (f.Sends && (limit.Action == "*" || f.Action == limit.Action))
                        sent++;
            if (sent >= limit.Max)
                return limit;
        }
        return null;
    }
}
