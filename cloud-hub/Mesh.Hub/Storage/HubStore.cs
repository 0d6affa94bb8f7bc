using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Storage;

/// <summary>
/// The hub's durable state: nodes and their audit records, policy versions and activations, approvals, and the log of
/// operator actions, in one SQLite file or a PostgreSQL database (<see cref="HubStoreOptions"/>); callers cannot tell
/// which. One connection writes, serialized by a lock; reads open their own (pooled) connections and never block it.
/// Every node's head is cached in memory and changes only after the transaction that stored it commits.
/// </summary>
public sealed partial class HubStore : IDisposable
{
    private readonly Lock _writeLock = new();
    private readonly HubDatabase _db;
    private readonly ConcurrentDictionary<string, StoredNode> _nodes = new(StringComparer.Ordinal);
    private readonly ILogger<HubStore> _logger;
    private bool _disposed;

    public HubStore(IOptions<HubOptions> options, ILogger<HubStore> logger)
    {
        _logger = logger;
        var store = options.Value.Store;
        var where = store.IsPostgreSql ? PostgresHubDatabase.Redact(store.ConnectionString) : Path.GetFullPath(options.Value.DataPath);
        HubDatabase? db = null;
        try
        {
            db = HubDatabase.Create(options.Value);
            db.Migrate();
            LoadNodes(db.Writer);
            LoadNodeKeys(db.Writer);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            db?.Dispose();
            throw new HubStorageException($"cannot open the hub database {where}: {ex.Message}", ex);
        }
        catch (HubStorageException)
        {
            db?.Dispose();
            throw;
        }
        _db = db;
        HubLog.StoreOpened(logger, Location, _nodes.Count);
    }

    /// <summary>Where the store lives, as logs name it: the SQLite file's full path, or the PostgreSQL connection
    /// string without its password.</summary>
    public string Location => _db.Location;

    /// <summary>Every known node, ordered by id.</summary>
    public IReadOnlyList<StoredNode> Nodes => [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)];

    public StoredNode? FindNode(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    /// <summary>The writer connection; only under <see cref="_writeLock"/>.</summary>
    private DbConnection Writer => _db.Writer;

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _db.Dispose();
        }
    }

    private void LoadNodes(DbConnection connection)
    {
        using var command = connection.Command("SELECT node_id, site, last_seq, last_hash, head_seq, last_seen_utc, profile, version FROM nodes;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var node = new StoredNode(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader.GetValue(3),
                reader.GetInt64(4), ParseUtc(reader.GetString(5)), reader.GetString(6), reader.GetString(7));
            _nodes[node.NodeId] = node;
        }
    }

    private static string FormatUtc(DateTime utc) => utc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseUtc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
