using Mesh.Protocol.Policy;

namespace Mesh.Node.Decisions;

/// <summary>
/// A rule switched for a device: on (<paramref name="Active"/>) proposing its action, or off proposing its
/// clear action. <paramref name="Gate"/> is what the policy gate made of the proposal; <paramref name="Reason"/>
/// explains the condition that held, with the values read.
/// </summary>
public sealed record RuleFired(string Rule, string Action, bool Active, GateOutcome Gate, int Priority, string Reason, PendingApproval? Approval)
{
    /// <summary>The models the rule read, comma-separated ("" for a rule on metrics only): its records carry their route.</summary>
    public string Models { get; init; } = "";

    /// <summary>Whether a command goes out now.</summary>
    public bool Sends => Gate == GateOutcome.Allowed && Action.Length > 0;
}

/// <summary>What the policy gate made of a proposed action. The names are recorded as decision outcomes.</summary>
public enum GateOutcome
{
    /// <summary>The rule switched without an action to propose.</summary>
    NoAction,
    Allowed,
    Denied,
    RateLimited,
    ApprovalRequested,
}

/// <summary>An action waiting for a person. Times are Unix milliseconds; the deadline counts from the reading.</summary>
public sealed record PendingApproval(
    string Id,
    string Rule,
    string Action,
    long Seq,
    long ReadingTsMs,
    long DeadlineMs,
    long MaxAgeMs,
    ApprovalDefault OnTimeout,
    OfflineApproval Offline,
    string Role,
    string Reason);

/// <summary>A reading counted into a window of the device state; entries at or before <paramref name="PruneBeforeMs"/> are dropped.</summary>
public sealed record WindowHit(string Key, long TsMs, long PruneBeforeMs);

/// <summary>A command sent, remembered for the rate limits.</summary>
public sealed record IssuedCommand(string Action, long TsMs);
