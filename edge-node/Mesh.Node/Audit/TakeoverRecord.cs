using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Node.Agents;
using Mesh.Node.Cluster;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Audit;

/// <summary>The <see cref="AuditKind.DeviceTakenOver"/> record: which replica a member adopted for a device, and the
/// state itself (so replay of this member's journal continues from it, and an auditor sees where it came from).</summary>
public static class TakeoverRecord
{
    public static AuditDraft Draft(string device, LwwRegister<byte[]> replica, DeviceState adopted)
    {
        var body = AuditDrafts.Json(w =>
        {
            w.WriteString("from", replica.Stamp.NodeId);
            w.WriteString("replica_stamp", replica.Stamp.ToString());
            w.WriteNumber("last_seq", adopted.LastSeq);
            w.WritePropertyName("state");
            w.WriteRawValue(replica.Value);
        });
        var digest = SHA256.HashData(replica.Value);
        return new AuditDraft(AuditKind.DeviceTakenOver, device, $"takeover/{device}/{replica.Stamp.NodeId}/{replica.Stamp.WallMillis}.{replica.Stamp.Counter}",
            digest, AuditRoute.None, "", "", "take-over", $"from {replica.Stamp.NodeId}", body);
    }

    /// <summary>The state the record says was adopted.</summary>
    public static DeviceState Read(AuditRecord record)
    {
        using var doc = JsonDocument.Parse(record.Body);
        return ReplicaState.Decode(Encoding.UTF8.GetBytes(doc.RootElement.GetProperty("state").GetRawText()));
    }
}
