using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Mesh.Hub.Storage;

internal sealed partial class SqliteHubDatabase
{
    /// <summary>Rows per INSERT statement. Records are the hub's hot path: binding by position to a prepared
    /// multi-row statement costs a fraction per row of one ADO.NET command per row, whose named parameters are looked
    /// up on every execution (measured on the 2-vCPU box: about three times the rows per second).</summary>
    private const int RowsPerInsert = 50;

    private const int Columns = 9;

    private sqlite3_stmt? _insertMany;
    private sqlite3_stmt? _insertOne;

    /// <summary>The statements run on the writer's handle, so they join the transaction open on it.</summary>
    public override void InsertRecords(DbTransaction tx, string nodeId, string site, IReadOnlyList<RecordToStore> records)
    {
        var i = 0;
        for (; i + RowsPerInsert <= records.Count; i += RowsPerInsert)
            Insert(_insertMany ??= PrepareInsert(RowsPerInsert), nodeId, site, records, i, RowsPerInsert);
        for (; i < records.Count; i++)
            Insert(_insertOne ??= PrepareInsert(1), nodeId, site, records, i, 1);
    }

    /// <summary>Prepared once on the writer connection, finalized when the database is disposed.</summary>
    private sqlite3_stmt PrepareInsert(int rows)
    {
        var sql = "INSERT INTO records(node_id, seq, kind, device, hlc_wall, message_key, hash, canonical, site) VALUES "
            + string.Join(",", Enumerable.Repeat("(?,?,?,?,?,?,?,?,?)", rows));
        Check(raw.sqlite3_prepare_v2(_writer.Handle, sql, out var statement));
        return statement;
    }

    private void Insert(sqlite3_stmt statement, string nodeId, string site, IReadOnlyList<RecordToStore> records, int from, int rows)
    {
        try
        {
            for (var row = 0; row < rows; row++)
            {
                var item = records[from + row];
                var record = item.Record;
                var at = row * Columns;
                Check(raw.sqlite3_bind_text(statement, at + 1, nodeId));
                Check(raw.sqlite3_bind_int64(statement, at + 2, record.Sequence));
                Check(raw.sqlite3_bind_int(statement, at + 3, (int)record.Kind));
                Check(raw.sqlite3_bind_text(statement, at + 4, record.Device));
                Check(raw.sqlite3_bind_int64(statement, at + 5, record.Hlc.WallMillis));
                Check(raw.sqlite3_bind_text(statement, at + 6, record.MessageKey));
                Check(raw.sqlite3_bind_blob(statement, at + 7, record.Hash.Span));
                Check(raw.sqlite3_bind_blob(statement, at + 8, item.Canonical));
                Check(raw.sqlite3_bind_text(statement, at + 9, site));
            }
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
                Check(rc);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            SqliteException.ThrowExceptionForRC(rc, _writer.Handle);
    }
}
