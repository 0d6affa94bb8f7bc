using System.CommandLine;
using Mesh.Hub;
using Mesh.Hub.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench timeline</c>: fills a PostgreSQL hub store with audit records spread over sites, nodes, devices and
/// kinds through the hub's own ingest path (<see cref="HubStore.Append"/>), then measures timeline pages
/// (<see cref="HubStore.ReadTimeline"/>) with varied filters, following cursors several pages deep. A store that already
/// holds some of the records is topped up, not refilled, so a second run measures at once.
/// </summary>
internal static partial class TimelineBench
{
    private const long BaseWall = 1_795_460_400_000;

    public static Command Command()
    {
        var connection = new Option<string>("--connection-string") { Description = "Npgsql connection string of an existing, preferably empty, database", Required = true };
        var records = new Option<long>("--records") { Description = "Audit records the store should hold", DefaultValueFactory = _ => 10_000_000 };
        var sites = new Option<int>("--sites") { Description = "Sites", DefaultValueFactory = _ => 10 };
        var nodesPerSite = new Option<int>("--nodes-per-site") { Description = "Nodes per site", DefaultValueFactory = _ => 10 };
        var devicesPerNode = new Option<int>("--devices-per-node") { Description = "Devices per node", DefaultValueFactory = _ => 20 };
        var queries = new Option<int>("--queries") { Description = "Timeline listings measured (each follows 1-5 pages)", DefaultValueFactory = _ => 300 };
        var limit = new Option<int>("--page", "--limit") { Description = "Records per page", DefaultValueFactory = _ => 100 };
        var command = new Command("timeline", "Audit timeline on PostgreSQL: fill N records through the hub's ingest, then page latency (p50/p95/p99) over varied filters")
        {
            connection, records, sites, nodesPerSite, devicesPerNode, queries, limit,
        };
        command.SetAction((r, ct) =>
        {
            var options = new Options(r.GetValue(connection)!, r.GetValue(records), r.GetValue(sites), r.GetValue(nodesPerSite), r.GetValue(devicesPerNode),
                r.GetValue(queries), r.GetValue(limit));
            if (options.Problem() is { } problem)
            {
                Console.Error.WriteLine($"mesh bench timeline: {problem}");
                return Task.FromResult(ExitCodes.Usage);
            }
            return Task.FromResult(Run(options, ct));
        });
        return command;
    }

    private sealed record Options(string ConnectionString, long Records, int Sites, int NodesPerSite, int DevicesPerNode, int Queries, int Limit)
    {
        public int Nodes => Sites * NodesPerSite;

        public string? Problem() =>
            Records < 1 ? "--records must be positive"
            : Sites is < 1 or > 1000 || NodesPerSite is < 1 or > 1000 || DevicesPerNode is < 1 or > 10_000 ? "--sites and --nodes-per-site must be 1..1000, --devices-per-node 1..10000"
            : Queries < 1 ? "--queries must be positive"
            : Limit is < 1 or > HubStore.MaxTimelinePage ? $"--page must be 1..{HubStore.MaxTimelinePage}"
            : new HubOptionsValidator().Validate(null, Hub) is { Failed: true } v ? $"--connection-string: {string.Join("; ", v.Failures!)}"
            : null;

        public HubOptions Hub => new() { Store = new() { Provider = HubStoreOptions.PostgreSql, ConnectionString = ConnectionString } };

        public string Site(int node) => $"site-{node % Sites:D3}";

        public string Node(int node) => $"edge-{node:D4}";
    }

    private static int Run(Options options, CancellationToken ct)
    {
        using var store = new HubStore(Microsoft.Extensions.Options.Options.Create(options.Hub), NullLogger<HubStore>.Instance);
        Console.WriteLine($"store: {store.Location}");
        Fill(store, options, ct);
        using (var connection = new NpgsqlConnection(options.ConnectionString))
        {
            connection.Open();
            using var analyze = new NpgsqlCommand("ANALYZE records;", connection);
            analyze.ExecuteNonQuery();
        }
        Measure(store, options, ct);
        return ExitCodes.Ok;
    }
}
