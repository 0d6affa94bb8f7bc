using System.Data.Common;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Up to <paramref name="limit"/> records of a node with sequence &gt; <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<StoredRecord> ReadRecords(string nodeId, long after, int limit)
    {
        return Read($"read records of node {nodeId}", connection =>
        {
            using var command = connection.Command("""
                SELECT seq, hash, canonical FROM records
                WHERE node_id = @node AND seq > @after ORDER BY seq LIMIT @limit;
                """);
            command.Bind("@node", nodeId);
            command.Bind("@after", after);
            command.Bind("@limit", limit);
            using var reader = command.ExecuteReader();
            var records = new List<StoredRecord>();
            while (reader.Read())
                records.Add(new StoredRecord(reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
            return records;
        });
    }

    /// <summary>The stored hashes of a node's records with sequence in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public IReadOnlyDictionary<long, byte[]> ReadHashes(string nodeId, long from, long to)
    {
        return Read($"read hashes of node {nodeId}", connection =>
        {
            using var command = connection.Command("SELECT seq, hash FROM records WHERE node_id = @node AND seq BETWEEN @from AND @to;");
            command.Bind("@node", nodeId);
            command.Bind("@from", from);
            command.Bind("@to", to);
            using var reader = command.ExecuteReader();
            var hashes = new Dictionary<long, byte[]>();
            while (reader.Read())
                hashes[reader.GetInt64(0)] = (byte[])reader.GetValue(1);
            return hashes;
        });
    }

    private T Read<T>(string what, Func<DbConnection, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var connection = _db.OpenReader();
            return read(connection);
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
        {
            throw new HubStorageException($"cannot {what}: {ex.Message}", ex);
        }
    }
}
