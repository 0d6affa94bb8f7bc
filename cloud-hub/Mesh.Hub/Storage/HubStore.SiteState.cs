using System.Data.Common;
using Google.Protobuf;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>
    /// Merges a node's entries into the site's replica, in one transaction: each entry is merged with the stored one by
    /// the CRDT's rule, and one that changed gets the site's next version. Returns the site's entries changed after
    /// <paramref name="cursor"/> (at most <paramref name="limit"/>, oldest change first) and the cursor to send next.
    /// </summary>
    public (IReadOnlyList<SiteEntry> Changed, long Cursor) MergeSiteState(string site, IReadOnlyList<SiteEntry> entries, long cursor, int limit)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run($"merge the shared state of site {site}", () =>
            {
                using var tx = Writer.BeginTransaction();
                if (entries.Count > 0)
                {
                    long version;
                    using (var max = Writer.Command("SELECT COALESCE(MAX(version), 0) FROM site_state WHERE site = @site;", tx).Bind("@site", site))
                        version = Convert.ToInt64(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                    foreach (var incoming in entries)
                    {
                        var stored = ReadSiteEntry(site, incoming.Key, tx);
                        var merged = stored is null ? incoming : stored.Merge(incoming);
                        if (stored is not null && merged.Equals(stored))
                            continue;
                        Execute(Writer.Command("""
                            INSERT INTO site_state(site, key, entry, version) VALUES (@site, @key, @entry, @version)
                            ON CONFLICT(site, key) DO UPDATE SET entry = excluded.entry, version = excluded.version;
                            """, tx).Bind("@site", site).Bind("@key", merged.Key).Bind("@entry", SiteEntryCodec.Encode(merged).ToByteArray())
                            .Bind("@version", ++version));
                    }
                }
                var changed = new List<SiteEntry>();
                var next = cursor;
                using (var command = Writer.Command("SELECT entry, version FROM site_state WHERE site = @site AND version > @cursor ORDER BY version LIMIT @limit;", tx)
                    .Bind("@site", site).Bind("@cursor", cursor).Bind("@limit", limit))
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        changed.Add(Decode((byte[])reader[0]));
                        next = reader.GetInt64(1);
                    }
                }
                tx.Commit();
                return ((IReadOnlyList<SiteEntry>)changed, next);
            });
        }
    }

    /// <summary>The site's replica, every entry (for the API and tests).</summary>
    public IReadOnlyList<SiteEntry> ReadSiteState(string site) => Read($"read the shared state of site {site}", connection =>
    {
        using var command = connection.Command("SELECT entry FROM site_state WHERE site = @site ORDER BY key;").Bind("@site", site);
        using var reader = command.ExecuteReader();
        var entries = new List<SiteEntry>();
        while (reader.Read())
            entries.Add(Decode((byte[])reader[0]));
        return (IReadOnlyList<SiteEntry>)entries;
    });

    private SiteEntry? ReadSiteEntry(string site, string key, DbTransaction tx)
    {
        using var command = Writer.Command("SELECT entry FROM site_state WHERE site = @site AND key = @key;", tx)
            .Bind("@site", site).Bind("@key", key);
        var bytes = command.ExecuteScalar() as byte[];
        return bytes is null ? null : Decode(bytes);
    }

    /// <summary>Stored entries were checked when they arrived; one that no longer decodes means the file was damaged.</summary>
    private static SiteEntry Decode(byte[] bytes) =>
        SiteEntryCodec.Decode(CrdtEntry.Parser.ParseFrom(bytes), out var error)
            ?? throw new HubStorageException($"a stored site-state entry does not decode: {error}");
}
