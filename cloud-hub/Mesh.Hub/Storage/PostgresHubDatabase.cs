using System.Data;
using System.Data.Common;
using Npgsql;

namespace Mesh.Hub.Storage;

/// <summary>
/// The production store: a PostgreSQL database. One dedicated connection writes (reopened when it broke, e.g. after the
/// server restarted); reads take pooled connections of their own, and MVCC keeps them from blocking the writer. The
/// writer sets <c>synchronous_commit=on</c> for its session, so a commit (and so an acknowledgement) has reached the
/// server's WAL on disk whatever the server's default.
/// </summary>
internal sealed partial class PostgresHubDatabase : HubDatabase
{
    private readonly NpgsqlDataSource _dataSource;
    private NpgsqlConnection? _writer;

    public PostgresHubDatabase(string connectionString)
    {
        Location = Redact(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string Location { get; }

    public override DbConnection Writer
    {
        get
        {
            if (_writer is { State: ConnectionState.Open })
                return _writer;
            _writer?.Dispose();
            _writer = null;
            var writer = _dataSource.OpenConnection();
            try
            {
                using var command = writer.CreateCommand();
                command.CommandText = "SET synchronous_commit TO on;";
                command.ExecuteNonQuery();
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            return _writer = writer;
        }
    }

    public override DbConnection OpenReader() => _dataSource.OpenConnection();

    public override void Migrate() => HubSchema.ApplyPostgres((NpgsqlConnection)Writer, Location);

    public override void Dispose()
    {
        _writer?.Dispose();
        _dataSource.Dispose();
    }

    /// <summary>Null when <paramref name="connectionString"/> can open a hub store, else why not.</summary>
    public static string? CheckConnectionString(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return $"must be set when {HubStoreOptions.SectionName}:{nameof(HubStoreOptions.Provider)} is '{HubStoreOptions.PostgreSql}' (e.g. Host=127.0.0.1;Port=5432;Database=mesh_hub;Username=mesh_hub;Password=...)";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? $"'{Redact(connectionString)}' names no Host" : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return $"is not a valid Npgsql connection string: {ex.Message}";
        }
    }

    /// <summary>The connection string without its password, for logs and errors.</summary>
    public static string Redact(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return "(malformed connection string)";
        }
    }
}
