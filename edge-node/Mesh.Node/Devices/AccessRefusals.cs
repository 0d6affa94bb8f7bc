using System.Security.Cryptography;
using System.Text;
using Mesh.Node.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Devices;

/// <summary>
/// Records what the embedded broker refused: every refusal is counted; up to <c>Node:Devices:MaxAuditedRefusalsPerMinute</c>
/// a minute are also logged and written to the audit journal as a Rejected record (reason "device access refused: …",
/// once per distinct client, user, topic and reason), the rest summed up in one log line a minute. So a device or a
/// stranger flooding the broker is visible but cannot fill the journal or the log.
/// </summary>
public sealed class AccessRefusals(IOptions<NodeOptions> options, AuditJournal journal, TimeProvider time, ILogger<AccessRefusals> logger)
{
    private readonly int _limit = options.Value.Devices.MaxAuditedRefusalsPerMinute;
    private readonly Lock _gate = new();
    private long _connect;
    private long _publish;
    private long _subscribe;
    private long _minute;
    private int _inMinute;
    private long _suppressed;

    /// <summary>Connections refused.</summary>
    public long Connects => Interlocked.Read(ref _connect);

    /// <summary>Publishes refused.</summary>
    public long Publishes => Interlocked.Read(ref _publish);

    /// <summary>Subscriptions refused.</summary>
    public long Subscriptions => Interlocked.Read(ref _subscribe);

    public long Total => Connects + Publishes + Subscriptions;

    /// <summary>Counts, logs and audits one refusal. Never throws: the refusal stands whatever happens here.</summary>
    /// <param name="kind">connect, publish or subscribe.</param>
    /// <param name="code">The MQTT reason code sent back.</param>
    public async Task RecordAsync(string kind, string code, string clientId, string? user, string topic, string? endpoint, string reason,
        ReadOnlyMemory<byte> payload)
    {
        switch (kind)
        {
            case "connect": Interlocked.Increment(ref _connect); break;
            case "publish": Interlocked.Increment(ref _publish); break;
            default: Interlocked.Increment(ref _subscribe); break;
        }
        if (!Admit())
            return;
        DeviceAccessLog.Refused(logger, kind, code, clientId, user ?? "", topic, endpoint ?? "", reason);
        var subject = $"{kind} {topic}".TrimEnd();
        var key = "access:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{clientId}\n{user}\n{topic}\n{reason}")))[..32];
        var digest = SHA256.HashData(payload.Length > 0 ? payload.Span : Encoding.UTF8.GetBytes($"{kind}\n{clientId}\n{user}"));
        // Only an authenticated device is named as the record's device; a refused connection may name anything.
        var device = kind != "connect" && user is not null && user != BrokerAccess.SiteAccount ? user : "";
        try
        {
            await journal.AppendAsync([AuditDrafts.ForRejection(device, key, digest, subject, $"device access refused ({code}): {reason}", payload)],
                skipExisting: true).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DeviceAccessLog.NotAudited(logger, ex, reason);
        }
    }

    /// <summary>True while this minute's refusals are within the limit; at a new minute, logs how many the last one dropped.</summary>
    private bool Admit()
    {
        long dropped;
        bool admitted;
        lock (_gate)
        {
            var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
            dropped = 0;
            if (minute != _minute)
            {
                dropped = _suppressed;
                _minute = minute;
                _inMinute = 0;
                _suppressed = 0;
            }
            admitted = _inMinute < _limit;
            if (admitted)
                _inMinute++;
            else
                _suppressed++;
        }
        if (dropped > 0)
            DeviceAccessLog.Suppressed(logger, dropped, _limit);
        return admitted;
    }
}
