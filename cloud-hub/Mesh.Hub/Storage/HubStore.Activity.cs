namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>
    /// How many records of each kind each site's nodes wrote in each bucket of <paramref name="bucketMs"/> of HLC wall
    /// time within [<paramref name="fromMs"/>, <paramref name="toMs"/>): the console's rates. One range scan of the
    /// records' time index, grouped in the database.
    /// </summary>
    public IReadOnlyList<ActivityCount> ReadActivity(long fromMs, long toMs, long bucketMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketMs, 1);
        return Read("read record counts over time", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT (hlc_wall - @from) / @bucket AS bucket, site, kind, COUNT(*) FROM records
                WHERE hlc_wall >= @from AND hlc_wall < @to GROUP BY bucket, site, kind;
                """;
            command.Bind("@from", fromMs).Bind("@to", toMs).Bind("@bucket", bucketMs);
            using var reader = command.ExecuteReader();
            var counts = new List<ActivityCount>();
            while (reader.Read())
                counts.Add(new ActivityCount(reader.GetInt64(0), reader.GetString(1), (Mesh.Protocol.Audit.AuditKind)reader.GetInt64(2), reader.GetInt64(3)));
            return counts;
        });
    }
}

/// <param name="Bucket">The bucket's index from the start of the range.</param>
public sealed record ActivityCount(long Bucket, string Site, Mesh.Protocol.Audit.AuditKind Kind, long Count);
