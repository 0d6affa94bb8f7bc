using System.Buffers;
using System.Text;
using System.Text.Json;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>
/// Turns what happened into audit drafts. Deterministic: the same reading always gives the same drafts,
/// so records re-submitted after a crash are identical in content to the ones first intended.
/// </summary>
public static class AuditDrafts
{
    public static IReadOnlyList<AuditDraft> ForReading(string device, DeviceEvents.ReadingProcessed r, RuleSet rules, string profile)
    {
        var key = $"{device}#{r.Seq}";
        var digest = Convert.FromHexString(r.InputDigest);
        var drafts = new List<AuditDraft>(1 + 2 * r.Fired.Count)
        {
            new(AuditKind.Observation, device, key, digest, AuditRoute.None, rules.Version, "", "", "accepted", ObservationBody(r)),
        };
        foreach (var f in r.Fired)
        {
            var route = AuditRoute.Deterministic(profile, "threshold rule: no model needed");
            drafts.Add(new(AuditKind.Decision, device, key, digest, route, rules.Version, f.Rule, f.Action,
                f.Active ? "rule-on" : "rule-off", DecisionBody(f)));
            if (f.Action.Length > 0)
                drafts.Add(new(AuditKind.Action, device, key, digest, route, rules.Version, f.Rule, f.Action,
                    "command-issued", CommandBody(f, r.Seq)));
        }
        return drafts;
    }

    public static AuditDraft ForRejection(string device, string messageKey, byte[] inputDigest, string topic, string reason, ReadOnlyMemory<byte> payload) =>
        new(AuditKind.Rejected, device, messageKey, inputDigest, AuditRoute.None, "", "", "", reason, RejectionBody(topic, reason, payload));

    /// <summary>The MQTT command sent for a fired rule; also the Action record's body.</summary>
    public static string CommandBody(RuleFired f, long seq) => Json(w =>
    {
        w.WriteString("action", f.Action);
        w.WriteString("rule", f.Rule);
        w.WriteString("reason", f.Reason);
        w.WriteNumber("seq", seq);
    });

    public static string ObservationBody(DeviceEvents.ReadingProcessed r) => Json(w =>
    {
        w.WriteString("ts", r.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("seq", r.Seq);
        w.WriteStartObject("metrics");
        foreach (var m in r.Metrics)
            w.WriteNumber(m.Name, m.Value);
        w.WriteEndObject();
    });

    private static string DecisionBody(RuleFired f) => Json(w =>
    {
        w.WriteString("metric", f.Metric);
        w.WriteNumber("value", f.Value);
        w.WriteNumber("limit", f.Limit);
        w.WriteBoolean("active", f.Active);
        w.WriteString("reason", f.Reason);
    });

    /// <summary>Keeps at most 512 bytes of the refused payload, as text when it is valid UTF-8, else base64.</summary>
    private static string RejectionBody(string topic, string reason, ReadOnlyMemory<byte> payload) => Json(w =>
    {
        w.WriteString("topic", topic);
        w.WriteString("reason", reason);
        w.WriteNumber("bytes", payload.Length);
        var head = payload.Span[..Math.Min(payload.Length, 512)];
        if (System.Text.Unicode.Utf8.IsValid(head))
            w.WriteString("payload", Encoding.UTF8.GetString(head));
        else
            w.WriteString("payloadBase64", Convert.ToBase64String(head));
    });

    /// <summary>Readable bodies: quotes and non-ASCII stay as they are (the bodies are data, never embedded in HTML).</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
