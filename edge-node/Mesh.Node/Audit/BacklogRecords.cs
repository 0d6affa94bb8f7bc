using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol.Audit;

namespace Mesh.Node.Audit;

/// <summary>The journal's figures when its backlog fills the disk budget or space returns.</summary>
public sealed record BacklogFigures(long BudgetBytes, long UsedBytes, long Head, long HubAcked, long PrunedThrough)
{
    /// <summary>Records the hub has not acknowledged: head − hub ack.</summary>
    public long UnacknowledgedRecords => Math.Max(0, Head - HubAcked);
}

/// <summary>The <see cref="AuditKind.BacklogFull"/> and <see cref="AuditKind.BacklogResumed"/> records.</summary>
public static class BacklogRecords
{
    public static AuditDraft Full(BacklogFigures f) => Draft(AuditKind.BacklogFull, f, "hold-readings", "backlog-full", null);

    public static AuditDraft Resumed(BacklogFigures f, TimeSpan held) => Draft(AuditKind.BacklogResumed, f, "accept-readings", "backlog-resumed", held);

    private static AuditDraft Draft(AuditKind kind, BacklogFigures f, string decision, string outcome, TimeSpan? held)
    {
        var body = AuditDrafts.Json(w =>
        {
            w.WriteNumber("budget_bytes", f.BudgetBytes);
            w.WriteNumber("used_bytes", f.UsedBytes);
            w.WriteNumber("head", f.Head);
            w.WriteNumber("hub_acked", f.HubAcked);
            w.WriteNumber("unacknowledged", f.UnacknowledgedRecords);
            w.WriteNumber("pruned_through", f.PrunedThrough);
            if (held is { } h)
                w.WriteNumber("held_ms", (long)h.TotalMilliseconds);
        });
        // The head makes the key unique per episode: each record of the pair moves it.
        return new AuditDraft(kind, "", $"{outcome}/{f.Head + 1}", SHA256.HashData(Encoding.UTF8.GetBytes(body)), AuditRoute.None,
            "", "", decision, outcome, body);
    }
}
