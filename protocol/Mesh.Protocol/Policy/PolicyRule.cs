namespace Mesh.Protocol.Policy;

/// <summary>
/// A rule: when <see cref="When"/> becomes true for a device the rule switches on and proposes
/// <see cref="Action"/>; while on, once <see cref="Clear"/> is true (default: <see cref="When"/> is false)
/// it switches off and proposes <see cref="ClearAction"/>, if any. Every proposal passes <see cref="Gate"/>.
/// </summary>
public sealed record PolicyRule
{
    public required string Id { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Ids of the groups the rule applies to; empty means every device of the site.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    public required PolicyCondition When { get; init; }

    /// <summary>When the rule switches off; null means "when <see cref="When"/> is false".</summary>
    public PolicyCondition? Clear { get; init; }

    public required string Action { get; init; }

    /// <summary>Proposed when the rule switches off; empty for none.</summary>
    public string ClearAction { get; init; } = "";

    /// <summary>Higher wins when rules or nodes conflict over one device.</summary>
    public int Priority { get; init; }

    public Gate Gate { get; init; } = Gate.Allow;

    /// <summary>Set exactly when <see cref="Gate"/> is <see cref="Gate.RequireApproval"/>.</summary>
    public ApprovalSpec? Approval { get; init; }
}

/// <summary>What the policy gate does with a proposed action.</summary>
public enum Gate
{
    Allow,
    Deny,
    RequireApproval,
}

/// <summary>How an approval-gated action is decided.</summary>
public sealed record ApprovalSpec
{
    /// <summary>The role an approver must hold (for example <c>operator</c>).</summary>
    public required string Role { get; init; }

    /// <summary>How long to wait for a person, counted from the reading's timestamp.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>What happens when nobody decides in time.</summary>
    public required ApprovalDefault OnTimeout { get; init; }

    /// <summary>What happens when the request is made while the hub is unreachable.</summary>
    public required OfflineApproval Offline { get; init; }

    /// <summary>The oldest a reading may be (against the node's clock) for its action still to run; an
    /// approved action whose reading is older is never sent. Defaults to <see cref="Timeout"/>.</summary>
    public required TimeSpan MaxAge { get; init; }
}

public enum ApprovalDefault
{
    Deny,
    Approve,
}

public enum OfflineApproval
{
    /// <summary>Refuse at once.</summary>
    Deny,

    /// <summary>Keep waiting; the request reaches the hub when it is back, and the timeout still applies.</summary>
    Defer,

    /// <summary>A person at the site may approve at the node, proving it with the site token.</summary>
    ApproveLocally,
}
