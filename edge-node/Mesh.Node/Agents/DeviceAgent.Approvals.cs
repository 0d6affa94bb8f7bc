using Akka.Actor;
using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Agents;

/// <summary>Approvals: the agent keeps deciding other readings while an action waits. A pending approval is part
/// of the persisted state, so it survives a restart; its timer is set again on recovery.</summary>
public sealed partial class DeviceAgent
{
    /// <summary>The approval's deadline has come.</summary>
    private sealed record ApprovalDue(string ApprovalId);

    private long NowMs => _settings.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private void OnRecovered()
    {
        foreach (var pending in _state.Pending.Values)
            ScheduleDeadline(pending);
    }

    private void OnApprovalRequested(PendingApproval approval)
    {
        _settings.Stats.CountApprovalRequested();
        if (!_settings.Hub.IsConnected && approval.Offline == OfflineApproval.Deny)
        {
            Settle(ApprovalSettlement.Offline(approval, NowMs), late: null);
            return;
        }
        ScheduleDeadline(approval);
    }

    private void ScheduleDeadline(PendingApproval approval)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, approval.DeadlineMs - NowMs));
        Timers.StartSingleTimer(approval.Id, new ApprovalDue(approval.Id), delay);
    }

    private void Handle(ApprovalDue due)
    {
        if (_state.Pending.TryGetValue(due.ApprovalId, out var pending))
            Settle(ApprovalSettlement.ByTimeout(pending, NowMs), late: null);
    }

    private void Handle(DeviceCommands.DecideApproval decision)
    {
        var now = NowMs;
        if (_state.Pending.TryGetValue(decision.ApprovalId, out var pending))
        {
            if (decision.Local && pending.Offline != OfflineApproval.ApproveLocally)
            {
                RefuseLocal(decision, $"its policy's offline rule is {pending.Offline}, not approve_locally");
                return;
            }
            if (now >= pending.DeadlineMs)
            {
                var byTimeout = ApprovalSettlement.ByTimeout(pending, now);
                Settle(byTimeout, LateDraft(decision, byTimeout.Outcome, now));
            }
            else
            {
                Settle(ApprovalSettlement.ByPerson(pending, decision.Approved, decision.Local, decision.By, decision.Comment, now), late: null);
            }
            return;
        }
        // Not pending: settled already (or never requested here). A repeat of the decision that settled it is
        // the hub resending; anything else came too late and is recorded as such.
        var outcome = _settings.Lookup.Settlement(decision.ApprovalId)?.Outcome;
        if (outcome is null || ApprovalSettlement.SettledByPerson(outcome))
            return;
        _journal.AppendAsync([LateDraft(decision, outcome, now)], skipExisting: true);
    }

    /// <summary>Applies a settlement and journals it (the journal is its write-ahead log, see the class remarks).</summary>
    private void Settle(DeviceEvents.ApprovalSettled settled, AuditDraft? late)
    {
        _state = _state.Apply(settled, _settings.RedeliveryWindow);
        Timers.Cancel(settled.ApprovalId);
        _settings.Stats.CountApprovalSettled(settled.Outcome);
        RecordSettlement(settled, late);
        CountTowardsSnapshot();
    }

    /// <summary>Appends the settlement (and the Action record when it runs); the command goes out only once
    /// those records are durable and only if they were newly written.</summary>
    private void RecordSettlement(DeviceEvents.ApprovalSettled s, AuditDraft? late)
    {
        var drafts = new List<AuditDraft>(3)
        {
            new(AuditKind.ApprovalResolved, _device, s.ApprovalId, default, AuditRoute.None, "", s.Rule, s.Action, s.Outcome,
                ApprovalBodies.Resolved(s.ApprovalId, s.Outcome, s.By, s.Comment, s.DecidedAtMs, s.Executed)),
        };
        string? command = null;
        if (s.Executed)
        {
            command = AuditDrafts.CommandBody(s.Action, s.Rule, $"approved: {s.Outcome} by {s.By}", s.Seq, s.ApprovalId);
            drafts.Add(new(AuditKind.Action, _device, $"{_device}#{s.Seq}/{s.Rule}", default, AuditRoute.None, "", s.Rule, s.Action,
                "command-issued", command));
        }
        if (late is not null)
            drafts.Add(late);
        var append = Replicated(_journal.AppendAsync(drafts, skipExisting: true));
        if (command is null)
            return;
        var commands = _settings.Commands;
        var site = new SiteId(_site);
        var device = new DeviceId(_device);
        var shared = _settings.Shared;
        var priority = _settings.Policies.Current.For(_device).PriorityOf(s.Rule);
        var deviceId = _device;
        append.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result.Appended > 0)
            {
                shared?.RecordCommand(deviceId, s.Action, s.Rule, priority, s.Seq);
                _ = commands.SendAsync(site, device, command, CancellationToken.None);
            }
        }, TaskScheduler.Default);
    }

    private void RefuseLocal(DeviceCommands.DecideApproval d, string reason)
    {
        var input = System.Text.Encoding.UTF8.GetBytes($"{d.ApprovalId} {d.Approved} {d.By}");
        _journal.AppendAsync([AuditDrafts.ForLocalApprovalRefusal(_device, "local approval " + d.ApprovalId, $"{d.ApprovalId}: {reason}", input)], skipExisting: true);
    }

    private AuditDraft LateDraft(DeviceCommands.DecideApproval d, string settledAs, long nowMs) =>
        new(AuditKind.ApprovalLate, _device, d.ApprovalId, default, AuditRoute.None, "", "", "", "late",
            ApprovalBodies.Late(d.ApprovalId, d.Approved, d.By, d.Comment, nowMs, settledAs));
}
