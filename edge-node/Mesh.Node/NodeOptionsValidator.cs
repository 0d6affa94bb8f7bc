using Mesh.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Mesh.Node;

/// <summary>Refuses a bad configuration at start-up, naming the key and the reason.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions o)
    {
        var errors = new List<string>();
        if (!MeshTopics.IsValidSegment(o.NodeId))
            errors.Add("Node:NodeId is required: 1-128 characters, no '/', '+', '#' or whitespace");
        if (!MeshTopics.IsValidSegment(o.Site))
            errors.Add("Node:Site is required: 1-128 characters, no '/', '+', '#' or whitespace");
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
            errors.Add("Node:DataDirectory must not be empty");
        if (o.Mqtt.Port is < 0 or > 65535)
            errors.Add($"Node:Mqtt:Port {o.Mqtt.Port} is not a TCP port");
        if (o.Mqtt.Mode == MqttMode.External && o.Mqtt.Port == 0)
            errors.Add("Node:Mqtt:Port must name the external broker's port");
        if (o.Ingest.MaxPayloadBytes is < 64 or > 1024 * 1024)
            errors.Add($"Node:Ingest:MaxPayloadBytes {o.Ingest.MaxPayloadBytes} must be within 64..1048576");
        if (o.Ingest.DecisionTimeout < TimeSpan.FromSeconds(1) || o.Ingest.DecisionTimeout > TimeSpan.FromMinutes(10))
            errors.Add($"Node:Ingest:DecisionTimeout {o.Ingest.DecisionTimeout} must be within 1 s..10 min");
        if (o.Ingest.MaxMetrics is < 1 or > 1024)
            errors.Add($"Node:Ingest:MaxMetrics {o.Ingest.MaxMetrics} must be within 1..1024");
        if (o.Sync.HubUrl.Length > 0 && !Uri.TryCreate(o.Sync.HubUrl, UriKind.Absolute, out _))
            errors.Add($"Node:Sync:HubUrl '{o.Sync.HubUrl}' is not an absolute URL");
        if (o.Enrollment.HubUrl.Length > 0 && !(Uri.TryCreate(o.Enrollment.HubUrl, UriKind.Absolute, out var enrollAt) && enrollAt.Scheme == Uri.UriSchemeHttps))
            errors.Add($"Node:Enrollment:HubUrl '{o.Enrollment.HubUrl}' must be an absolute https:// URL (the hub's Hub:Enrollment:Url)");
        if (o.Enrollment.Token.Length > 0 && Mesh.Protocol.Identity.EnrollmentToken.Parse(o.Enrollment.Token, out var tokenError) is null)
            errors.Add($"Node:Enrollment:Token: {tokenError}");
        if (o.Enrollment.Token.Length > 0 && o.Enrollment.HubUrl.Length == 0 && !o.Sync.HubUrl.StartsWith("https://", StringComparison.Ordinal))
            errors.Add("Node:Enrollment:Token is set but there is no https:// hub to enroll at: set Node:Enrollment:HubUrl or an https:// Node:Sync:HubUrl");
        if (o.Sync.Transport == SyncTransport.Nats)
            ValidateNats(o, errors);
        if (o.Sync.BatchSize is < 1 or > 1000)
            errors.Add($"Node:Sync:BatchSize {o.Sync.BatchSize} must be within 1..1000");
        if (o.Sync.MaxBatchesInFlight is < 1 or > 64)
            errors.Add($"Node:Sync:MaxBatchesInFlight {o.Sync.MaxBatchesInFlight} must be within 1..64");
        if (o.Sync.GossipInterval < TimeSpan.FromMilliseconds(50) || o.Sync.GossipInterval > TimeSpan.FromMinutes(10))
            errors.Add($"Node:Sync:GossipInterval {o.Sync.GossipInterval} must be within 50 ms..10 min");
        if (o.Journal.MaxBatchRecords is < 1 or > 100_000)
            errors.Add($"Node:Journal:MaxBatchRecords {o.Journal.MaxBatchRecords} must be within 1..100000");
        if (o.Journal.RedeliveryWindow is < 1 or > 10_000)
            errors.Add($"Node:Journal:RedeliveryWindow {o.Journal.RedeliveryWindow} must be within 1..10000");
        if (o.Journal.CheckpointEveryRecords is < 1 or > 100_000)
            errors.Add($"Node:Journal:CheckpointEveryRecords {o.Journal.CheckpointEveryRecords} must be within 1..100000");
        if (o.Journal.CheckpointEvery < TimeSpan.FromMilliseconds(100) || o.Journal.CheckpointEvery > TimeSpan.FromHours(1))
            errors.Add($"Node:Journal:CheckpointEvery {o.Journal.CheckpointEvery} must be within 00:00:00.1..01:00:00");
        if (!Enum.IsDefined(o.Journal.OnDamage))
            errors.Add($"Node:Journal:OnDamage {o.Journal.OnDamage} must be Rebuild or Refuse");
        if (o.Journal.DiskBudgetBytes != 0 && o.Journal.DiskBudgetBytes < JournalOptions.MinDiskBudgetBytes)
            errors.Add($"Node:Journal:DiskBudgetBytes {o.Journal.DiskBudgetBytes} must be 0 (unlimited) or at least {JournalOptions.MinDiskBudgetBytes} (1 MiB)");
        if (o.Sync.ReconnectJitter < TimeSpan.Zero || o.Sync.ReconnectJitter > TimeSpan.FromMinutes(5))
            errors.Add($"Node:Sync:ReconnectJitter {o.Sync.ReconnectJitter} must be within 0 .. 5 min");
        if (o.Sync.MaxCatchUpRecordsPerSecond is < 0 or > 10_000_000)
            errors.Add($"Node:Sync:MaxCatchUpRecordsPerSecond {o.Sync.MaxCatchUpRecordsPerSecond} must be 0 (unlimited) or within 1..10000000");
        if (o.Cluster.Enabled)
            CheckCluster(o.Cluster, errors);
        if (o.StatusUrl.Length > 0 && !(Uri.TryCreate(o.StatusUrl, UriKind.Absolute, out var status) && status.Scheme == "http" && System.Net.IPAddress.TryParse(status.Host == "localhost" ? "127.0.0.1" : status.Host, out _)))
            errors.Add($"Node:StatusUrl '{o.StatusUrl}' must be http://<IP address>:<port>");
        if (o.Telemetry.OtlpEndpoint.Length > 0 && !(Uri.TryCreate(o.Telemetry.OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
            errors.Add($"Node:Telemetry:OtlpEndpoint '{o.Telemetry.OtlpEndpoint}' must be an http:// or https:// address, e.g. http://127.0.0.1:4318");
        if (o.Telemetry.TraceSampleRatio is < 0 or > 1 || double.IsNaN(o.Telemetry.TraceSampleRatio))
            errors.Add($"Node:Telemetry:TraceSampleRatio {o.Telemetry.TraceSampleRatio} must be within 0..1");
        for (var i = 0; i < o.Rules.Count; i++)
        {
            var problem = o.Rules[i].Validate();
            if (problem is not null)
                errors.Add($"Node:Rules:{i}: {problem}");
        }
        if (o.Rules.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != o.Rules.Count)
            errors.Add("Node:Rules: rule names must be unique");
        if (o.Approvals.SiteToken.Length is > 0 and < Mesh.Protocol.Approvals.LocalApproval.MinTokenLength)
            errors.Add($"Node:Approvals:SiteToken must be at least {Mesh.Protocol.Approvals.LocalApproval.MinTokenLength} characters (or empty for none)");
        if (o.Policy.PollInterval < TimeSpan.FromMilliseconds(50) || o.Policy.PollInterval > TimeSpan.FromHours(1))
            errors.Add($"Node:Policy:PollInterval {o.Policy.PollInterval} must be within 50 ms .. 1 h");
        ValidateInference(o.Inference, errors);
        if (o.Devices.PollInterval < TimeSpan.FromMilliseconds(50) || o.Devices.PollInterval > TimeSpan.FromHours(1))
            errors.Add($"Node:Devices:PollInterval {o.Devices.PollInterval} must be within 50 ms .. 1 h");
        if (o.Devices.MaxAuditedRefusalsPerMinute is < 0 or > 100_000)
            errors.Add($"Node:Devices:MaxAuditedRefusalsPerMinute {o.Devices.MaxAuditedRefusalsPerMinute} must be within 0..100000");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateNats(NodeOptions o, List<string> errors)
    {
        if (o.Sync.NatsUrl.Length == 0)
            errors.Add("Node:Sync:NatsUrl is required with Node:Sync:Transport=Nats, e.g. nats://127.0.0.1:4222");
        else if (!IsNatsUrl(o.Sync.NatsUrl))
            errors.Add($"Node:Sync:NatsUrl '{o.Sync.NatsUrl}' is not a nats://, tls://, ws:// or wss:// address with a host (several: comma-separated)");
        if (NatsSubjects.Check(o.NodeId) is { } nodeProblem)
            errors.Add($"Node:NodeId '{o.NodeId}' cannot name a NATS subject: it {nodeProblem}");
        if (NatsSubjects.Check(o.Site) is { } siteProblem)
            errors.Add($"Node:Site '{o.Site}' cannot name a JetStream stream: it {siteProblem}");
        if (o.Sync.NatsRecordsPerMessage < 1 || o.Sync.NatsRecordsPerMessage > NatsSubjects.MaxRecordsPerMessage)
            errors.Add($"Node:Sync:NatsRecordsPerMessage {o.Sync.NatsRecordsPerMessage} must be within 1..{NatsSubjects.MaxRecordsPerMessage}");
        if (o.Sync.NatsMaxAge < TimeSpan.FromMinutes(1) || o.Sync.NatsMaxAge > TimeSpan.FromDays(3650))
            errors.Add($"Node:Sync:NatsMaxAge {o.Sync.NatsMaxAge} must be within 1 min .. 3650 days");
    }

    private static bool IsNatsUrl(string urls) =>
        urls.Split(',', StringSplitOptions.TrimEntries).All(u =>
            Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "nats" or "tls" or "ws" or "wss" && uri.Host.Length > 0);

    private static void ValidateInference(InferenceOptions i, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(i.Profiles))
            errors.Add("Node:Inference:Profiles must name the hardware profile folder");
        if (i.MaxBatch is < 1 or > 1024)
            errors.Add($"Node:Inference:MaxBatch {i.MaxBatch} must be within 1..1024");
        if (i.MaxBatchWait < TimeSpan.Zero || i.MaxBatchWait > TimeSpan.FromMilliseconds(100))
            errors.Add($"Node:Inference:MaxBatchWait {i.MaxBatchWait} must be within 0 .. 100 ms");
        if (i.Deadline <= TimeSpan.Zero || i.Deadline > TimeSpan.FromMinutes(1))
            errors.Add($"Node:Inference:Deadline {i.Deadline} must be within 0 .. 1 min (exclusive of 0)");
        if (i.RemoteTimeout <= TimeSpan.Zero || i.RemoteTimeout > TimeSpan.FromMinutes(1))
            errors.Add($"Node:Inference:RemoteTimeout {i.RemoteTimeout} must be within 0 .. 1 min (exclusive of 0)");
        if (i.PeerRefresh < TimeSpan.FromMilliseconds(100) || i.PeerRefresh > TimeSpan.FromHours(1))
            errors.Add($"Node:Inference:PeerRefresh {i.PeerRefresh} must be within 100 ms .. 1 h");
        for (var p = 0; p < i.Peers.Count; p++)
            if (!IsHttpUrl(i.Peers[p], out _))
                errors.Add($"Node:Inference:Peers:{p} '{i.Peers[p]}' is not an http:// or https:// address with a port");
        if (i.ServeUrl.Length > 0 && (!IsHttpUrl(i.ServeUrl, out var serve) || !System.Net.IPAddress.TryParse(serve!.Host, out _) && serve!.Host != "localhost"))
            errors.Add($"Node:Inference:ServeUrl '{i.ServeUrl}' must be http:// or https://<IP address or localhost>:<port>");
        if (i.BreakerFailures is < 1 or > 1000)
            errors.Add($"Node:Inference:BreakerFailures {i.BreakerFailures} must be within 1..1000");
        if (i.BreakerOpenFor <= TimeSpan.Zero || i.BreakerOpenFor > TimeSpan.FromHours(1))
            errors.Add($"Node:Inference:BreakerOpenFor {i.BreakerOpenFor} must be within 0 .. 1 h (exclusive of 0)");
    }

    private static bool IsHttpUrl(string text, out Uri? uri)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out uri) && uri.Scheme is "http" or "https" && !uri.IsDefaultPort)
            return true;
        uri = null;
        return false;
    }

    private static void CheckCluster(SiteClusterOptions c, List<string> errors)
    {
        if (Uri.CheckHostName(c.Host) == UriHostNameType.Unknown)
            errors.Add($"Node:Cluster:Host '{c.Host}' is not a host name or address");
        if (c.Port is < 1 or > 65535)
            errors.Add($"Node:Cluster:Port {c.Port} must be within 1..65535 (the other members find this node there)");
        if (c.Seeds.Count == 0)
            errors.Add("Node:Cluster:Seeds is empty: list the site's seed members as host:port (the same list on every member)");
        for (var i = 0; i < c.Seeds.Count; i++)
            if (SiteClusterOptions.CheckSeed(c.Seeds[i]) is { } problem)
                errors.Add($"Node:Cluster:Seeds:{i} {problem}");
        if (c.PublicPort is < 0 or > 65535)
            errors.Add($"Node:Cluster:PublicPort {c.PublicPort} must be within 0..65535 (0: the same as Node:Cluster:Port)");
        if (c.Shards is < 1 or > 10_000)
            errors.Add($"Node:Cluster:Shards {c.Shards} must be within 1..10000");
        if (c.FailureDetectionPause < TimeSpan.FromMilliseconds(500))
            errors.Add($"Node:Cluster:FailureDetectionPause {c.FailureDetectionPause} must be at least 500 ms");
        if (c.StableAfter < TimeSpan.FromSeconds(1))
            errors.Add($"Node:Cluster:StableAfter {c.StableAfter} must be at least 1 s");
        if (c.RemovalMargin < TimeSpan.FromMilliseconds(100))
            errors.Add($"Node:Cluster:RemovalMargin {c.RemovalMargin} must be at least 100 ms");
        if (c.ReplicaTimeout < TimeSpan.FromMilliseconds(100))
            errors.Add($"Node:Cluster:ReplicaTimeout {c.ReplicaTimeout} must be at least 100 ms");
    }
}
