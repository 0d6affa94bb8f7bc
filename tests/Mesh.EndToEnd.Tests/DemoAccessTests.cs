using Mesh.Cli.Demo;
using Mesh.EndToEnd.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Mesh.EndToEnd.Tests;

/// <summary><c>mesh demo</c> with access control: it prints the console login and its own calls are made, and logged,
/// under its generated tokens.</summary>
public sealed class DemoAccessTests
{
    [Fact]
    public async Task Demo_PrintsConsoleLoginAndLogsItsCallsUnderItsTokens()
    {
        using var dir = new TempDirectory();

        // The default run (15 s): the demo requires site-b to have offloaded to the cloud node before it stops it at two
        // thirds of the run, and a shorter run left too little time for that on a loaded two-core machine.
        var demo = await MeshCli.RunAsync(TimeSpan.FromMinutes(4), "demo", "--data", dir.Path);

        demo.ExitCode.ShouldBe(0, demo.ToString());
        demo.Stdout.ShouldMatch(@"console\s+http://127\.0\.0\.1:\d+/login \(HTTP/1\.1, for a browser\): user admin, password \S{20,} \(this run only\)");
        var actions = HubActions(Path.Combine(dir.Path, "hub", "hub.db"));
        actions.Where(a => a.Action == "policy.push").Select(a => a.Actor).ShouldBe([LocalHub.AdminTokenName, LocalHub.AdminTokenName]);
        actions.Where(a => a.Action == "approval.approve").ShouldNotBeEmpty();
        actions.Where(a => a.Action == "approval.approve").ShouldAllBe(a => a.Actor == "demo-operator" && a.Detail.Contains("\"via\":\"token\""));
    }

    private static List<(string Actor, string Action, string Detail)> HubActions(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor, action, detail FROM hub_actions ORDER BY seq;";
        using var reader = command.ExecuteReader();
        var actions = new List<(string, string, string)>();
        while (reader.Read())
            actions.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return actions;
    }
}
