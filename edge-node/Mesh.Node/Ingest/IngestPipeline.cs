using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Node.Agents;
using Mesh.Node.Audit;
using Mesh.Node.Control;
using Mesh.Node.Decisions;
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

    public IngestPipeline(IOptions<NodeOptions> options, AuditJournal journal, IRequiredActor<DeviceManager> devices, CommandSender commands,
        LocalApprovals localApprovals, NodeStats stats, TimeProvider time, ILogger<IngestPipeline> logger)
    {
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

        var parsed = TelemetryParser.Parse(site, device, payload.Span, _time.GetUtcNow(), _options.Ingest);
        if (parsed.Observation is not { } observation)
            return await RejectAsync(topic, device, payload, parsed.Error!, ct);

        var digest = Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        var reply = await _devices.ActorRef.Ask<DeviceReplies.Recorded>(new DeviceCommands.Observe(observation, digest), _options.Ingest.DecisionTimeout, ct).ConfigureAwait(false);
        if (reply.Outcome == DecisionOutcome.Duplicate)
            _stats.CountDuplicate();
        else
            _stats.CountAccepted();
        if (reply.Publish.Count > 0)
            await PublishCommandsAsync(site, device, observation.Seq, reply.Publish, ct).ConfigureAwait(false);
        return reply.Outcome == DecisionOutcome.Duplicate ? IngestOutcome.Duplicate : IngestOutcome.Accepted;
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
