using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Ingest;
using Mesh.Protocol;
using Mesh.Protocol.Approvals;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Control;

/// <summary>
/// Decisions made at the site while the hub is unreachable (<see cref="LocalApproval"/> on the node's broker).
/// Accepted only with a valid site-token signature, a fresh time stamp, the hub really unreachable, and an
/// approval this node requested; the device's agent then checks that the approval's offline rule allows it.
/// A refusal is recorded (a Rejected record with the reason) and answered on the result topic.
/// </summary>
public sealed partial class LocalApprovals(
    IOptions<NodeOptions> options,
    HubLink hub,
    JournalLookup lookup,
    AuditJournal journal,
    IRequiredActor<DeviceManager> devices,
    TimeProvider time,
    ILogger<LocalApprovals> logger)
{
    private readonly NodeOptions _options = options.Value;

    /// <summary>Where local decisions arrive: <c>mesh-local/&lt;site&gt;/approvals</c>.</summary>
    public string Topic { get; } = LocalApproval.Topic(new SiteId(options.Value.Site));

    public bool Handles(string topic) => topic == Topic;

    /// <summary>Checks the decision and hands it to the device's agent; returns the answer for the result topic.</summary>
    public async Task<(string? ResultTopic, string Answer)> HandleAsync(string topic, ReadOnlyMemory<byte> payload)
    {
        LocalApproval decision;
        try
        {
            decision = LocalApproval.Parse(payload.Span);
        }
        catch (MeshProtocolException ex)
        {
            await RefuseAsync(topic, "", payload, ex.Message).ConfigureAwait(false);
            return (null, ex.Message);
        }
        var resultTopic = LocalApproval.ResultTopic(new SiteId(_options.Site), decision.ApprovalId);
        var (device, problem) = Check(decision);
        if (problem is not null)
        {
            await RefuseAsync(topic, decision.ApprovalId, payload, problem).ConfigureAwait(false);
            return (resultTopic, "refused: " + problem);
        }
        devices.ActorRef.Tell(new DeviceCommands.DecideApproval(_options.Site, device, decision.ApprovalId, decision.Approved, Local: true,
            decision.By, decision.Comment));
        LocalApprovalLog.Accepted(logger, decision.ApprovalId, decision.By, decision.Approved);
        return (resultTopic, "accepted: handed to the agent of " + device);
    }

    /// <summary>The device the approval belongs to, or why the decision is refused.</summary>
    private (string Device, string? Problem) Check(LocalApproval d)
    {
        if (_options.Approvals.SiteToken.Length == 0)
            return ("", "this node accepts no local decisions: Node:Approvals:SiteToken is not set");
        if (!d.Verify(_options.Approvals.SiteToken))
            return ("", "the signature does not match the site token");
        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - d.IssuedAtMs);
        if (skew > (long)_options.Approvals.MaxClockSkew.TotalMilliseconds)
            return ("", $"issued {TimeSpan.FromMilliseconds(skew)} away from the node's clock; the limit is {_options.Approvals.MaxClockSkew}");
        if (hub.IsConnected)
            return ("", "the hub is reachable: decide through the hub (mesh approvals approve --hub …)");
        return lookup.DeviceOf(d.ApprovalId) is { } device ? (device, null) : ("", $"this node has no approval '{d.ApprovalId}'");
    }

    private async Task RefuseAsync(string topic, string approvalId, ReadOnlyMemory<byte> payload, string reason)
    {
        LocalApprovalLog.Refused(logger, approvalId, reason);
        await journal.AppendAsync([AuditDrafts.ForLocalApprovalRefusal("", topic, reason, payload)], skipExisting: true).ConfigureAwait(false);
    }

    private static partial class LocalApprovalLog
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Local decision on {ApprovalId} by {By} (approved: {Approved}) accepted")]
        public static partial void Accepted(ILogger logger, string approvalId, string by, bool approved);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Local decision on {ApprovalId} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string approvalId, string reason);
    }
}
