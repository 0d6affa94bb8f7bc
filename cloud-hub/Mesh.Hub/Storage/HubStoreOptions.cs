namespace Mesh.Hub.Storage;

/// <summary>The database behind <see cref="HubStore"/> (section <c>Hub:Store</c>).</summary>
public sealed record HubStoreOptions
{
    public const string SectionName = "Hub:Store";

    /// <summary>The embedded default: one SQLite file at <c>Hub:DataPath</c>.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>A PostgreSQL database named by <see cref="ConnectionString"/>; the production store.</summary>
    public const string PostgreSql = "postgresql";

    /// <summary><c>sqlite</c> (default) or <c>postgresql</c>, case-insensitive.</summary>
    public string Provider { get; init; } = Sqlite;

    /// <summary>
    /// The Npgsql connection string when <see cref="Provider"/> is <c>postgresql</c>, e.g.
    /// <c>Host=db.example;Port=5432;Database=mesh_hub;Username=mesh_hub;Password=…</c>. It must name a <c>Host</c>; the
    /// database must exist (the hub creates and migrates its tables, not the database). Ignored for SQLite. Logged
    /// without its password. Default empty.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>True when <see cref="Provider"/> selects PostgreSQL.</summary>
    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);
}
