namespace Mesh.Hub.Storage;

/// <summary>An operator action about to be logged in <c>hub_actions</c>, in the same transaction as the
/// change it describes.</summary>
/// <param name="Action"><c>policy.push</c>, <c>policy.rollback</c>, <c>approval.approve</c>, <c>approval.deny</c>, or an
/// access event (<see cref="Mesh.Hub.Access.AccessAudit"/>).</param>
/// <param name="Target">The site (policy actions) or the approval id.</param>
/// <param name="Detail">A JSON object.</param>
public sealed record HubActionDraft(string Actor, string Action, string Target, string Detail)
{
    public const string PolicyPush = "policy.push";
    public const string PolicyRollback = "policy.rollback";
    public const string ApprovalApprove = "approval.approve";
    public const string ApprovalDeny = "approval.deny";
}

/// <summary>A logged operator action; <see cref="Seq"/> grows with every action.</summary>
/// <param name="AtMs">Unix milliseconds (UTC).</param>
public sealed record StoredHubAction(long Seq, long AtMs, string Actor, string Action, string Target, string Detail);
