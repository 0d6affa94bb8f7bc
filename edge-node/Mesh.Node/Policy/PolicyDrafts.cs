using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>Audit drafts for policy changes on the node.</summary>
public static class PolicyDrafts
{
    /// <summary>The policy with its full text, so the journal alone is enough to replay what was decided under it.</summary>
    public static AuditDraft Activated(ActivePolicy active)
    {
        var p = active.Policy;
        var body = AuditDrafts.Json(w =>
        {
            w.WriteString("site", p.Site);
            w.WriteNumber("version", p.Version);
            w.WriteString("sha256", p.Sha256);
            w.WriteString("source", active.Source.ToString());
            w.WriteNumber("activation", active.Source.Activation);
            w.WriteString("text", p.Text);
        });
        return new AuditDraft(AuditKind.PolicyActivated, "", $"policy/{p.Site}/{p.Ref}/{active.Source}", default, AuditRoute.None,
            p.Ref, "", "", "activated", body);
    }

    /// <summary>Reads a <c>PolicyActivated</c> record back into the policy it activated.</summary>
    public static bool TryRestore(AuditRecord record, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> attributes,
        [NotNullWhen(true)] out ActivePolicy? active, out string? problem)
    {
        active = null;
        try
        {
            using var body = JsonDocument.Parse(record.Body);
            var root = body.RootElement;
            var text = root.GetProperty("text").GetString() ?? "";
            var source = root.GetProperty("source").GetString() ?? "";
            var activation = root.GetProperty("activation").GetInt64();
            var parsed = PolicyLoader.Parse(text, $"journal record {record.Sequence}");
            if (parsed.Policy is not { } policy)
            {
                problem = parsed.Errors[0].ToString();
                return false;
            }
            var colon = source.IndexOf(':', StringComparison.Ordinal);
            var src = colon < 0 ? new PolicySource(source, "", activation) : new PolicySource(source[..colon], source[(colon + 1)..], activation);
            active = new ActivePolicy(policy, src, attributes);
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problem = "its body is not a policy activation: " + ex.Message;
            return false;
        }
    }

    public static AuditDraft Rejected(string site, ActivePolicy current, PolicySource source, long version, string sha256, IReadOnlyList<string> errors)
    {
        var body = AuditDrafts.Json(w =>
        {
            w.WriteString("site", site);
            w.WriteNumber("version", version);
            w.WriteString("sha256", sha256);
            w.WriteString("source", source.ToString());
            w.WriteStartArray("errors");
            foreach (var e in errors.Take(50))
                w.WriteStringValue(e);
            w.WriteEndArray();
        });
        var reason = errors[0].Length <= 500 ? errors[0] : errors[0][..500] + "…";
        return new AuditDraft(AuditKind.PolicyRejected, "", $"policy-rejected/{site}/{sha256}/{source}", default, AuditRoute.None,
            current.Ref, "", "", reason, body);
    }
}
