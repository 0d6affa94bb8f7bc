using System.Text.Json;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.SiteState;

/// <summary>The <see cref="AuditKind.ConflictResolved"/> record a node writes when a conflict it took part in is resolved.</summary>
public static class ConflictRecord
{
    public const string Won = "won";
    public const string Withdrawn = "withdrawn";

    public static AuditDraft Draft(CommandConflict conflict, string nodeId, bool won, string compensation) =>
        new(AuditKind.ConflictResolved, conflict.Device, conflict.Id, default, AuditRoute.None, "", conflict.Winner.Rule, conflict.Winner.Action,
            won ? Won : Withdrawn, AuditDrafts.Json(w =>
            {
                w.WriteString("conflict", conflict.Id);
                w.WriteString("node", nodeId);
                w.WriteString("result", won ? Won : Withdrawn);
                w.WritePropertyName("winner");
                Command(w, conflict.Winner);
                w.WriteStartArray("withdrawn");
                foreach (var (_, command) in conflict.Losers)
                    Command(w, command);
                w.WriteEndArray();
                w.WriteString("reason", conflict.Reason);
                w.WriteString("compensation", compensation);
            }));

    private static void Command(Utf8JsonWriter w, DeviceCommand c)
    {
        w.WriteStartObject();
        w.WriteString("node", c.NodeId);
        w.WriteString("action", c.Action);
        w.WriteString("rule", c.Rule);
        w.WriteNumber("priority", c.Priority);
        w.WriteString("hlc", c.Stamp.ToString());
        w.WriteNumber("seq", c.ReadingSeq);
        w.WriteEndObject();
    }
}
