using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// The journal file is damaged (SQLite reports it corrupt or not a database: a torn or overwritten page, a cut-off file).
/// The journal never opens such a file for writing. At start the node rebuilds it (<see cref="JournalRecovery"/>) or, with
/// <c>Node:Journal:OnDamage=Refuse</c>, does not start, leaving it for an operator.
/// </summary>
public sealed class JournalDamagedException(string path, SqliteException inner)
    : Exception($"audit journal {path} is damaged (SQLite error {inner.SqliteErrorCode}: {ReasonOf(inner)}); the node does not start on a damaged journal "
        + $"(Node:Journal:OnDamage=Refuse). Run 'mesh audit verify --journal {path}' to see what it still holds; the hub keeps every record it acknowledged. "
        + "With Node:Journal:OnDamage=Rebuild (the default) the node rebuilds it from what still reads and from the hub", inner)
{
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>SQLite's error, for logs: "SQLite error 11: database disk image is malformed".</summary>
    public string Reason { get; } = $"SQLite error {inner.SqliteErrorCode}: {ReasonOf(inner)}";

    public static bool IsDamage(SqliteException ex) => ex.SqliteErrorCode is Corrupt or NotADatabase;

    private static string ReasonOf(SqliteException ex) =>
        ex.Message.Split('\'') is [_, var reason, ..] ? reason : ex.Message;
}
