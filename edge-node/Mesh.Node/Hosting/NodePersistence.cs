using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace Mesh.Node.Hosting;

/// <summary>Akka.Persistence.Sql on the node's SQLite state file (<c>state.db</c>, WAL), and the device-event serializer.</summary>
public static class NodePersistence
{
    public const string FileName = "state.db";

    /// <summary>The node's persistence settings over the plugin's defaults.</summary>
    public static Config Config(string dataDirectory) =>
        ConfigurationFactory.ParseString(Hocon(dataDirectory)).WithFallback(SqlPersistence.DefaultConfiguration);

    private static string Hocon(string dataDirectory)
    {
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        PrepareDatabase(path);
        var connection = $"Data Source={path};Pooling=true";
        return $$"""
            akka.actor {
              serializers.mesh-device = "Mesh.Node.Agents.DeviceEventSerializer, Mesh.Node"
              serialization-bindings {
                "Mesh.Node.Agents.DeviceSnapshot, Mesh.Node" = mesh-device
              }
            }
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{connection}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                  # SQLite has one writer; more would only contend for its lock.
                  parallelism = 1
                  batch-size = 500
                  buffer-size = 20000
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{connection}}"
                  provider-name = "SQLite.MS"
                  auto-initialize = true
                }
              }
            }
            """;
    }

    /// <summary>WAL is a property of the file: set it once so journal writes and recovery reads don't block each other.</summary>
    private static void PrepareDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var c = new SqliteConnection($"Data Source={path};Pooling=false");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }
}
