using Microsoft.Data.Sqlite;

namespace Mesh.Node.Audit;

/// <summary>
/// The journal file is damaged (SQLite reports it corrupt or not a database: a torn or overwritten page, a cut-off file).
/// The node does not start on it and does not repair it: it cannot tell a torn page from a tampered one, and a repair
/// would drop records or write new ones at sequences the hub already holds. What the hub acknowledged is at the hub.
/// </summary>
public sealed class JournalDamagedException(string path, SqliteException inner)
    : Exception($"audit journal {path} is damaged (SQLite error {inner.SqliteErrorCode}: {Reason(inner)}); the node does not start on a damaged journal. "
        + $"Run 'mesh audit verify --journal {path}' to see what it still holds; the hub keeps every record it acknowledged", inner)
{
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    public static bool IsDamage(SqliteException ex) => ex.SqliteErrorCode is Corrupt or NotADatabase;

    private static string Reason(SqliteException ex) =>
        ex.Message.Split('\'') is [_, var reason, ..] ? reason : ex.Message;
}
