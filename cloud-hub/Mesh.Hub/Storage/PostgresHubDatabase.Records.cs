using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Mesh.Hub.Storage;

internal sealed partial class PostgresHubDatabase
{
    /// <summary>Binary COPY: one round trip for the whole batch and no SQL to parse per row. COPY runs inside the
    /// transaction open on the writer, so the records commit (or vanish) with the node's new head.</summary>
    public override void InsertRecords(DbTransaction tx, string nodeId, string site, IReadOnlyList<RecordToStore> records)
    {
        var writer = (NpgsqlConnection)tx.Connection!;
        using var copy = writer.BeginBinaryImport(
            "COPY records(node_id, seq, kind, device, hlc_wall, message_key, hash, canonical, site) FROM STDIN (FORMAT BINARY)");
        foreach (var item in records)
        {
            var record = item.Record;
            copy.StartRow();
            copy.Write(nodeId, NpgsqlDbType.Text);
            copy.Write(record.Sequence, NpgsqlDbType.Bigint);
            copy.Write((long)record.Kind, NpgsqlDbType.Bigint);
            copy.Write(record.Device, NpgsqlDbType.Text);
            copy.Write(record.Hlc.WallMillis, NpgsqlDbType.Bigint);
            copy.Write(record.MessageKey, NpgsqlDbType.Text);
            copy.Write(record.Hash.ToArray(), NpgsqlDbType.Bytea);
            copy.Write(item.Canonical, NpgsqlDbType.Bytea);
            copy.Write(site, NpgsqlDbType.Text);
        }
        copy.Complete();
    }
}
