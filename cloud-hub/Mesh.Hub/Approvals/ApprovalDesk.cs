using System.Text.Json;
using Mesh.Hub.Access;
using Mesh.Hub.Control;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Approvals;

/// <summary>
/// Takes operators' decisions: stores each durably (with its entry in the action log) and only then relays it
/// to the node's open Watch streams. A stream that misses it gets it again from the store on its next Watch,
/// until the node's audit trail shows it recorded the decision.
/// </summary>
public sealed class ApprovalDesk(HubStore store, ControlBroadcast broadcast, TimeProvider time, ILogger<ApprovalDesk> logger)
{
    /// <param name="by">The authenticated decider; their name is what the node and the audit trail record.</param>
    public ApprovalDecisionResult Decide(string approvalId, bool approved, HubActor by, string comment)
    {
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = store.DecideApproval(approvalId, approved, by.Name, comment, at, a => new HubActionDraft(
            by.Name, approved ? HubActionDraft.ApprovalApprove : HubActionDraft.ApprovalDeny, a.Id,
            JsonSerializer.Serialize(new { nodeId = a.NodeId, site = a.Site, rule = a.Rule, action = a.Action, comment, late = a.Decision!.Late, via = by.Via })));
        if (result is { Status: ApprovalDecisionStatus.Decided, Approval: { } decided })
        {
            HubLog.ApprovalDecided(logger, decided.Id, decided.NodeId, approved ? "approved" : "denied", by.Name, decided.Decision!.Late);
            broadcast.PublishDecision(decided);
        }
        return result;
    }
}
