using System.Data.Common;
using System.Text;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Most records on one timeline page.</summary>
    public const int MaxTimelinePage = 1000;

    /// <summary>
    /// The audit timeline across nodes: records matching <paramref name="filter"/>, newest first by HLC wall time (then
    /// node id and sequence, descending), <paramref name="limit"/> per page, continuing below <paramref name="cursor"/>
    /// (the <see cref="TimelinePage.Next"/> of the page before, issued for the same filter).
    /// </summary>
    /// <exception cref="ArgumentException">The cursor is not one, or was issued for another filter.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limit is outside 1..<see cref="MaxTimelinePage"/>.</exception>
    public TimelinePage ReadTimeline(TimelineFilter filter, int limit, string? cursor = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxTimelinePage);
        var after = cursor is null ? (TimelineCursor?)null : TimelineCursor.Decode(cursor, filter);
        return Read("read the audit timeline", connection =>
        {
            using var command = TimelineCommand(connection, filter, after, limit + 1);
            using var reader = command.ExecuteReader();
            var records = new List<TimelineRecord>(limit + 1);
            while (reader.Read())
                records.Add(new TimelineRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (AuditKind)reader.GetInt64(3),
                    reader.GetString(4), reader.GetInt64(5), reader.GetString(6), (byte[])reader.GetValue(7)));
            if (records.Count <= limit)
                return new TimelinePage(records, null);
            records.RemoveAt(limit);
            var last = records[^1];
            return new TimelinePage(records, new TimelineCursor(last.HlcWallMs, last.NodeId, last.Seq).Encode(filter));
        });
    }

    /// <summary>Only the filters given become predicates (no <c>@p IS NULL OR …</c>), so each query matches one index whose
    /// columns end in the page order, and the keyset bound is a row comparison the index can seek to. With a node
    /// filter the node id is fixed, and the bound leaves it out to match the index on (node_id, hlc_wall, seq).</summary>
    private static DbCommand TimelineCommand(DbConnection connection, TimelineFilter filter, TimelineCursor? after, int take)
    {
        var command = connection.CreateCommand();
        var where = new List<string>();
        if (filter.Site is not null)
        {
            where.Add("site = @site");
            command.Bind("@site", filter.Site);
        }
        if (filter.NodeId is not null)
        {
            where.Add("node_id = @node");
            command.Bind("@node", filter.NodeId);
        }
        if (filter.Device is not null)
        {
            where.Add("device = @device");
            command.Bind("@device", filter.Device);
        }
        if (filter.Kind is { } kind)
        {
            where.Add("kind = @kind");
            command.Bind("@kind", (long)kind);
        }
        if (filter.FromWallMs is { } from)
        {
            where.Add("hlc_wall >= @from");
            command.Bind("@from", from);
        }
        if (filter.ToWallMs is { } to)
        {
            where.Add("hlc_wall < @to");
            command.Bind("@to", to);
        }
        if (after is { } a)
        {
            where.Add(filter.NodeId is null ? "(hlc_wall, node_id, seq) < (@afterWall, @afterNode, @afterSeq)" : "(hlc_wall, seq) < (@afterWall, @afterSeq)");
            command.Bind("@afterWall", a.HlcWall).Bind("@afterSeq", a.Seq);
            if (filter.NodeId is null)
                command.Bind("@afterNode", a.NodeId);
        }
        var sql = new StringBuilder("SELECT node_id, site, seq, kind, device, hlc_wall, message_key, canonical FROM records");
        if (where.Count > 0)
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append(" ORDER BY hlc_wall DESC, node_id DESC, seq DESC LIMIT ").Append(take).Append(';');
        command.CommandText = sql.ToString();
        return command;
    }
}
