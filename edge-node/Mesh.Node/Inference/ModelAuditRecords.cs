using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.Hosting;

namespace Mesh.Node.Inference;

/// <summary>
/// Records, at start, which models this node serves and on which execution provider (with every fallback and its
/// reason), and which it refused and why. Keyed by what they say, so a restart with the same models and the same
/// outcome records nothing new, while a change (a new version, a lost GPU, a corrupted file) is recorded once.
/// </summary>
public sealed class ModelAuditRecords(LocalInference local, AuditJournal journal, Microsoft.Extensions.Options.IOptions<NodeOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var drafts = new List<AuditDraft>();
        foreach (var m in local.Models)
        {
            var manifest = m.Registered.Manifest;
            var choice = m.Session.Provider;
            var key = $"model/{m.Name}/{m.Version}/{manifest.Sha256[..12]}/{local.Profile.Id}/{choice.Provider}" + (choice.FellBack ? "/fallback" : "");
            var reasons = choice.Attempts.Select(a => a.ToString()).ToArray();
            var route = new AuditRoute($"local:{options.Value.NodeId}/{choice.Provider}", local.Profile.Id, m.Name, m.Version, 0, 0, reasons);
            drafts.Add(new AuditDraft(AuditKind.ModelLoaded, "", key, Convert.FromHexString(manifest.Sha256), route, "", "", "",
                choice.FellBack ? "fell-back" : "loaded", AuditDrafts.Json(w =>
                {
                    w.WriteString("model", m.Name);
                    w.WriteString("version", m.Version);
                    w.WriteString("sha256", manifest.Sha256);
                    w.WriteString("profile", local.Profile.Id);
                    w.WriteString("provider", choice.Provider);
                    w.WriteString("fallback", choice.FellBack ? choice.Explain() : "");
                    w.WriteStartArray("attempts");
                    foreach (var a in choice.Attempts)
                        w.WriteStringValue(a.ToString());
                    w.WriteEndArray();
                })));
        }
        foreach (var p in local.Refused)
        {
            var text = p.ToString();
            var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
            drafts.Add(new AuditDraft(AuditKind.ModelRefused, "", $"model-refused/{p.Model}/{Convert.ToHexStringLower(digest)[..16]}", digest,
                AuditRoute.None, "", "", "", "refused", AuditDrafts.Json(w =>
                {
                    w.WriteString("model", p.Model);
                    w.WriteString("where", p.Where);
                    w.WriteString("problem", p.Message);
                })));
        }
        if (drafts.Count > 0)
            await journal.AppendAsync(drafts, skipExisting: true);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
