using Mesh.Hub.Storage;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Control;

/// <summary>Builds the NodeControl wire messages from what the store holds.</summary>
public static class ControlMessages
{
    public static ControlMessage Policy(ActivePolicy active) => new()
    {
        Policy = new PolicyUpdate
        {
            Site = active.Policy.Site,
            Version = (ulong)active.Policy.Version,
            Sha256 = active.Policy.Sha256,
            Text = active.Policy.Text,
            Activation = (ulong)active.Activation.Activation,
            Rollback = active.Activation.Rollback,
            ActivatedBy = active.Activation.By,
        },
    };

    /// <exception cref="InvalidOperationException">The approval has no decision.</exception>
    public static ControlMessage Decision(StoredApproval approval)
    {
        var decision = approval.Decision ?? throw new InvalidOperationException($"approval {approval.Id} has no decision to send");
        return new ControlMessage
        {
            Approval = new ApprovalDecision
            {
                ApprovalId = approval.Id,
                NodeId = approval.NodeId,
                Approved = decision.Approved,
                DecidedBy = decision.By,
                Comment = decision.Comment,
                DecidedAtUnixMs = decision.AtMs,
            },
        };
    }

    /// <summary>The fleet's revoked certificate serials (<see cref="Enrollment.NodeGate.RevokedSerials"/>).</summary>
    public static ControlMessage Revocations(IReadOnlyList<string> serials) => new() { Revocations = RevocationList.Of(serials) };
}
