using System.Buffers;
using System.Text;
using System.Text.Json;
using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>
/// Turns what happened into audit drafts. Deterministic: the same reading always gives the same drafts,
/// so records re-submitted after a crash are identical in content to the ones first intended.
/// </summary>
public static class AuditDrafts
{
    /// <summary>Observation, then for each rule that switched: its Decision, and an Action when a command goes
    /// out or an ApprovalRequested when it waits for a person. Keys: the reading (<c>device#seq</c>) for the
    /// observation, <c>device#seq/rule</c> for what a rule did, the approval id for the request.</summary>
    /// <param name="attributes">The device's configured attributes (policy groups may match them); recorded with the
    /// observation so that replay groups the device as the node did.</param>
    public static IReadOnlyList<AuditDraft> ForReading(string device, DeviceEvents.ReadingProcessed r, string profile,
        IReadOnlyDictionary<string, string>? attributes = null)
    {
        var key = $"{device}#{r.Seq}";
        var digest = Convert.FromHexString(r.InputDigest);
        var drafts = new List<AuditDraft>(1 + 2 * r.Fired.Count)
        {
            new(AuditKind.Observation, device, key, digest, r.Runs.Count > 0 ? r.Runs[0].Route : AuditRoute.None, r.PolicyRef, "", "", "accepted", ObservationBody(r, attributes)),
        };
        // A rule that read a model carries the route of the (first) model it read; a rule on metrics only says so.
        // The Observation record holds every run; costs are counted there, once.
        var ruleRoute = AuditRoute.Deterministic(profile, "policy rule: no model needed");
        foreach (var f in r.Fired)
        {
            var ruleKey = $"{key}/{f.Rule}";
            var route = RouteOf(f, r.Runs) ?? ruleRoute;
            drafts.Add(new(AuditKind.Decision, device, ruleKey, digest, route, r.PolicyRef, f.Rule, f.Action,
                GateName(f.Gate), DecisionBody(f)));
            if (f.Sends)
                drafts.Add(new(AuditKind.Action, device, ruleKey, digest, route, r.PolicyRef, f.Rule, f.Action,
                    "command-issued", CommandBody(f.Action, f.Rule, f.Reason, r.Seq, null)));
            if (f.Approval is { } a)
                drafts.Add(new(AuditKind.ApprovalRequested, device, a.Id, digest, route, r.PolicyRef, f.Rule, f.Action,
                    "approval-requested", ApprovalBodies.Requested(a)));
        }
        return drafts;
    }

    private static AuditRoute? RouteOf(RuleFired f, IReadOnlyList<ModelRun> runs)
    {
        if (f.Models.Length == 0)
            return null;
        foreach (var run in runs)
            if (f.Models.Split(',').Contains(run.Model))
                return run.Route;
        return null;
    }

    /// <summary>How a gate outcome is recorded in a Decision record's outcome.</summary>
    public static string GateName(GateOutcome gate) => gate switch
    {
        GateOutcome.Allowed => "allowed",
        GateOutcome.Denied => "denied",
        GateOutcome.RateLimited => "rate-limited",
        GateOutcome.ApprovalRequested => "approval-requested",
        _ => "no-action",
    };

    public static AuditDraft ForRejection(string device, string messageKey, byte[] inputDigest, string topic, string reason, ReadOnlyMemory<byte> payload) =>
        new(AuditKind.Rejected, device, messageKey, inputDigest, AuditRoute.None, "", "", "", reason, RejectionBody(topic, reason, payload));

    /// <summary>A refused local approval decision; keyed by the refused input, so a repeat is recorded once.</summary>
    public static AuditDraft ForLocalApprovalRefusal(string device, string subject, string reason, ReadOnlyMemory<byte> input)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(input.Span);
        return ForRejection(device, "local-approval:" + Convert.ToHexStringLower(digest)[..32], digest, subject, "local approval refused: " + reason, input);
    }

    /// <summary>The MQTT command sent for a rule's action; also the Action record's body.</summary>
    public static string CommandBody(string action, string rule, string reason, long seq, string? approvalId) => Json(w =>
    {
        w.WriteString("action", action);
        w.WriteString("rule", rule);
        w.WriteString("reason", reason);
        w.WriteNumber("seq", seq);
        if (approvalId is not null)
            w.WriteString("approval", approvalId);
    });

    public static string ObservationBody(DeviceEvents.ReadingProcessed r, IReadOnlyDictionary<string, string>? attributes = null) => Json(w =>
    {
        w.WriteString("ts", r.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("seq", r.Seq);
        w.WriteStartObject("metrics");
        foreach (var m in r.Metrics)
            w.WriteNumber(m.Name, m.Value);
        w.WriteEndObject();
        if (attributes is { Count: > 0 })
        {
            w.WriteStartObject("attrs");
            foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
                w.WriteString(name, value);
            w.WriteEndObject();
        }
        if (r.Runs.Count > 0)
            ModelRunJson.Write(w, r.Runs);
    });

    private static string DecisionBody(RuleFired f) => Json(w =>
    {
        w.WriteBoolean("active", f.Active);
        w.WriteString("gate", GateName(f.Gate));
        w.WriteNumber("priority", f.Priority);
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

    internal static string Json(Action<Utf8JsonWriter> body)
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
