using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Control;
using Mesh.Node.Decisions;
using Mesh.Node.Telemetry;
using Mesh.Protocol;
using Mesh.Protocol.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Ingest;

/// <summary>
/// The path of one MQTT message: topic and payload checks, parsing, the device agent, then commands out.
/// The task it returns completes only when every record the message caused is durable; the caller
/// acknowledges the MQTT message then, and not before. A task that faults means: do not acknowledge.
/// </summary>
public sealed class IngestPipeline
{
    private readonly NodeOptions _options;
    private readonly AuditJournal _journal;
    private readonly IRequiredActor<DeviceManager> _devices;
    private readonly NodeStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly SiteId _site;
    private readonly CommandSender _commands;
    private readonly LocalApprovals _localApprovals;
    private readonly Cluster.MemberRemovals _removals;

    public IngestPipeline(IOptions<NodeOptions> options, AuditJournal journal, IRequiredActor<DeviceManager> devices, CommandSender commands,
        LocalApprovals localApprovals, Cluster.MemberRemovals removals, NodeStats stats, TimeProvider time, ILogger<IngestPipeline> logger)
    {
        _removals = removals;
        _commands = commands;
        _localApprovals = localApprovals;
        _options = options.Value;
        _journal = journal;
        _devices = devices;
        _stats = stats;
        _time = time;
        _logger = logger;
        _site = new SiteId(_options.Site);
    }

    /// <summary>Set by the broker integration once it is up; commands and dead letters go out through it.</summary>
    public IMqttPublisher? Publisher
    {
        get => _commands.Publisher;
        set => _commands.Publisher = value;
    }

    public async Task<IngestOutcome> HandleAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (_localApprovals.Handles(topic))
        {
            var (resultTopic, answer) = await _localApprovals.HandleAsync(topic, payload).ConfigureAwait(false);
            if (resultTopic is not null && Publisher is { } publisher)
                await publisher.PublishAsync(resultTopic, Encoding.UTF8.GetBytes(answer), ct).ConfigureAwait(false);
            return IngestOutcome.Ignored;
        }
        if (!topic.StartsWith(MeshTopics.Root + "/", StringComparison.Ordinal) || !topic.EndsWith("/" + MeshTopics.TelemetryKind, StringComparison.Ordinal))
            return IngestOutcome.Ignored;
        // Nothing is recorded while the backlog fills the disk budget, not even a refusal: the message stays unacknowledged.
        if (_journal.BacklogFull)
            throw new BacklogFullException($"the audit backlog fills its disk budget ({_journal.UsedBytes} bytes in use, Node:Journal:DiskBudgetBytes {_options.Journal.DiskBudgetBytes}); the reading is held until the hub acknowledges the backlog");
        if (!MeshTopics.TryParse(topic, out var site, out var device, out _))
            return await RejectAsync(topic, default, payload, $"topic '{Truncate(topic)}' is not mesh/<site>/<device>/telemetry with valid ids", ct);
        if (site != _site)
            return await RejectAsync(topic, device, payload, $"site '{site}' is not served by this node (it serves '{_site}')", ct);

        // The path of one reading as a span (a no-op without a listener): parse, decide and record (the agent answers once
        // its records are durable), commands out; the broker acknowledges when it ends.
        using var span = NodeTelemetry.Source.StartActivity("mesh.reading", ActivityKind.Consumer);
        span?.SetTag("mesh.node_id", _options.NodeId);
        span?.SetTag("mesh.device", device.Value);
        var parsed = TelemetryParser.Parse(site, device, payload.Span, _time.GetUtcNow(), _options.Ingest);
        if (parsed.Observation is not { } observation)
        {
            span?.SetTag("mesh.outcome", "rejected");
            return await RejectAsync(topic, device, payload, parsed.Error!, ct);
        }
        span?.SetTag("mesh.seq", observation.Seq);

        var digest = Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        DeviceReplies.Recorded reply;
        using (NodeTelemetry.Source.StartActivity("mesh.decide"))
            reply = await DecideAsync(new DeviceCommands.Observe(observation, digest), ct).ConfigureAwait(false);
        if (reply.Outcome == DecisionOutcome.Duplicate)
            _stats.CountDuplicate();
        else
            _stats.CountAccepted();
        span?.SetTag("mesh.outcome", reply.Outcome == DecisionOutcome.Duplicate ? "duplicate" : "accepted");
        span?.SetTag("mesh.fired", reply.Publish.Count);
        if (reply.Publish.Count > 0)
        {
            using var commands = NodeTelemetry.Source.StartActivity("mesh.commands");
            await PublishCommandsAsync(site, device, observation.Seq, reply.Publish, ct).ConfigureAwait(false);
        }
        return reply.Outcome == DecisionOutcome.Duplicate ? IngestOutcome.Duplicate : IngestOutcome.Accepted;
    }

    /// <summary>
    /// Asks the device's agent to decide the reading, within <see cref="IngestOptions.DecisionTimeout"/>. On a site
    /// member, a member leaving the cluster meanwhile may have taken the agent, and the question, with it: the reading
    /// is asked again at once (its agent, wherever the shard now lives, recognises a reading it has seen), and the first
    /// answer releases the acknowledgement. Agents hand commands out only with records they newly wrote, so at most one
    /// answer carries them; when that answer is not the first, it still sends them, once.
    /// </summary>
    private async Task<DeviceReplies.Recorded> DecideAsync(DeviceCommands.Observe observe, CancellationToken ct)
    {
        // A standalone node's agents live here: one question, no watching (the path of every reading).
        if (!_removals.Watched)
            return await _devices.ActorRef.Ask<DeviceReplies.Recorded>(observe, _options.Ingest.DecisionTimeout, ct).ConfigureAwait(false);
        var deadline = _time.GetUtcNow() + _options.Ingest.DecisionTimeout;
        var removed = _removals.NextAsync();
        var asks = new List<Task<DeviceReplies.Recorded>> { _devices.ActorRef.Ask<DeviceReplies.Recorded>(observe, _options.Ingest.DecisionTimeout, ct) };
        while (true)
        {
            var live = asks.Where(a => !a.IsFaulted && !a.IsCanceled).ToArray();
            if (live.Length == 0)
                return await asks[^1].ConfigureAwait(false);
            var done = await Task.WhenAny([.. live, removed]).ConfigureAwait(false);
            if (done == removed)
            {
                removed = _removals.NextAsync();
                var left = deadline - _time.GetUtcNow();
                if (left > TimeSpan.Zero)
                {
                    IngestLog.AskedAgain(_logger, observe.Device, observe.Observation.Seq);
                    asks.Add(_devices.ActorRef.Ask<DeviceReplies.Recorded>(observe, left, ct));
                }
                continue;
            }
            var answered = (Task<DeviceReplies.Recorded>)done;
            if (!answered.IsCompletedSuccessfully)
                continue;
            var reply = answered.Result;
            if (asks.Count > 1)
                _ = SendLateCommandsAsync([.. asks.Where(a => a != answered)], sent: reply.Publish.Count > 0, observe.Observation, ct);
            return reply;
        }
    }

    /// <summary>Sends the commands a later answer carries, when the answer used carried none.</summary>
    private async Task SendLateCommandsAsync(Task<DeviceReplies.Recorded>[] others, bool sent, Observation o, CancellationToken ct)
    {
        foreach (var other in others)
        {
            try
            {
                var late = await other.ConfigureAwait(false);
                if (!sent && late.Publish.Count > 0)
                {
                    sent = true;
                    await PublishCommandsAsync(o.Site, o.Device, o.Seq, late.Publish, ct).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // Never answered: the usual end of an ask that went to the member that left.
            }
        }
    }

    private async Task PublishCommandsAsync(SiteId site, DeviceId device, long seq, IReadOnlyList<RuleFired> fired, CancellationToken ct)
    {
        _stats.CountDecisions(fired.Count);
        foreach (var f in fired)
            if (f.Sends)
                await _commands.SendHereAsync(site, device, AuditDrafts.CommandBody(f.Action, f.Rule, f.Reason, seq, null), ct).ConfigureAwait(false);
    }

    /// <summary>Records the refusal (once per distinct message), sends a dead letter, and lets the message be acknowledged.</summary>
    private async Task<IngestOutcome> RejectAsync(string topic, DeviceId device, ReadOnlyMemory<byte> payload, string reason, CancellationToken ct)
    {
        var digest = SHA256.HashData(payload.Span);
        var key = "rejected:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(topic + "\n" + Convert.ToHexStringLower(digest))))[..32];
        var draft = AuditDrafts.ForRejection(device.Value ?? "", key, digest, topic, reason, payload);
        var result = await _journal.AppendAsync([draft], skipExisting: true).ConfigureAwait(false);
        if (result.Appended > 0)
        {
            _stats.CountRejected();
            IngestLog.Rejected(_logger, topic, reason);
            if (Publisher is { } publisher && device.Value is not null)
                await publisher.PublishAsync(MeshTopics.Deadletter(_site, device), Encoding.UTF8.GetBytes(draft.Body), ct).ConfigureAwait(false);
        }
        return IngestOutcome.Rejected;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
