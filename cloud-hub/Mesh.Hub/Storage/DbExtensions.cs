using System.Data;
using System.Data.Common;

namespace Mesh.Hub.Storage;

/// <summary>Terse parameter binding and nullable column reads for the store's hand-written SQL, on any ADO.NET provider.
/// Parameters are named <c>@name</c>, which SQLite and Npgsql both accept.</summary>
internal static class DbExtensions
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? tx = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    /// <summary>Binds <paramref name="value"/>; null becomes SQL NULL, a bool 0 or 1, every integer a 64-bit one. The
    /// type comes from <typeparamref name="T"/>, so a null still has one (PostgreSQL must know the type of
    /// <c>@p IS NULL</c>).</summary>
    public static DbCommand Bind<T>(this DbCommand command, string name, T value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        (parameter.DbType, parameter.Value) = value switch
        {
            null => (DbTypeOf(type), DBNull.Value),
            bool b => (DbType.Int64, b ? 1L : 0L),
            int i => (DbType.Int64, (long)i),
            Enum e => (DbType.Int64, Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
            _ => (DbTypeOf(type), (object)value),
        };
        command.Parameters.Add(parameter);
        return command;
    }

    private static DbType DbTypeOf(Type type) =>
        type == typeof(string) ? DbType.String
        : type == typeof(byte[]) ? DbType.Binary
        : type == typeof(long) || type == typeof(int) || type == typeof(bool) || type.IsEnum ? DbType.Int64
        : throw new ArgumentException($"no database type for {type.Name}", nameof(type));

    public static long? GetInt64OrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
