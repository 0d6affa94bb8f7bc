using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Storage;

/// <summary>
/// The hub's durable state in one SQLite file: nodes and their audit records, policy versions and
/// activations, approvals, and the log of operator actions. One connection writes,
/// serialized by a lock; reads open their own (pooled, read-only) connections and never block it.
/// Every node's head is cached in memory and changes only after the transaction that stored it commits.
/// </summary>
public sealed partial class HubStore : IDisposable
{
    private readonly Lock _writeLock = new();
    private readonly SqliteConnection _writer;
    private readonly string _readConnectionString;
    private readonly ConcurrentDictionary<string, StoredNode> _nodes = new(StringComparer.Ordinal);
    private readonly ILogger<HubStore> _logger;
    private bool _disposed;
    private SQLitePCL.sqlite3_stmt? _insertMany;
    private SQLitePCL.sqlite3_stmt? _insertOne;

    public HubStore(IOptions<HubOptions> options, ILogger<HubStore> logger)
    {
        _logger = logger;
        Path = System.IO.Path.GetFullPath(options.Value.DataPath);
        try
        {
            var folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
                Directory.CreateDirectory(folder);
            _writer = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = Path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            _writer.Open();
            HubSchema.Apply(_writer, Path);
            LoadNodes();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            _writer?.Dispose();
            throw new HubStorageException($"cannot open the hub database {Path}: {ex.Message}", ex);
        }
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
        HubLog.StoreOpened(logger, Path, _nodes.Count);
    }

    /// <summary>Full path of the SQLite file.</summary>
    public string Path { get; }

    /// <summary>Every known node, ordered by id.</summary>
    public IReadOnlyList<StoredNode> Nodes => [.. _nodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)];

    public StoredNode? FindNode(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _insertMany?.Dispose();
            _insertOne?.Dispose();
            _writer.Dispose();
        }
        // Pooled read connections hold the file open; release them so the file can be moved or deleted.
        using var probe = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(probe);
    }

    private void LoadNodes()
    {
        using var command = _writer.CreateCommand();
        command.CommandText = "SELECT node_id, site, last_seq, last_hash, head_seq, last_seen_utc FROM nodes;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var node = new StoredNode(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader.GetValue(3),
                reader.GetInt64(4), ParseUtc(reader.GetString(5)));
            _nodes[node.NodeId] = node;
        }
    }

    private static string FormatUtc(DateTime utc) => utc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseUtc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
