using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Mesh.Hub;
using Mesh.Hub.Access;
using Mesh.Hub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Bench;

/// <summary>
/// <c>mesh bench console</c>: the audit console's page load times on an existing PostgreSQL hub store (fill one with
/// <c>mesh bench timeline</c>). Starts a hub in this process on that store with a console user, signs in through the
/// login form as a browser does, and times each page (request sent to the whole HTML read, over loopback HTTP/1.1):
/// p50/p95/max over <c>--repeat</c> loads after 3 unmeasured ones. The hub's clock is set to just after the newest
/// record, so the live pages (Fleet, Charts, the first timeline page) see the busiest recent window.
/// </summary>
internal static partial class ConsoleBench
{
    public static Command Command()
    {
        var connection = new Option<string>("--connection-string") { Description = "Npgsql connection string of a hub store (fill one with 'mesh bench timeline')", Required = true };
        var repeat = new Option<int>("--repeat") { Description = "Measured loads of each page", DefaultValueFactory = _ => 50 };
        var command = new Command("console", "Audit console page load times (server render and transfer, p50/p95) on a filled PostgreSQL hub store")
        {
            connection, repeat,
        };
        command.SetAction(async (r, ct) =>
        {
            var times = r.GetValue(repeat);
            if (times is < 1 or > 10_000)
            {
                Console.Error.WriteLine("mesh bench console: --repeat must be 1..10000");
                return ExitCodes.Usage;
            }
            return await RunAsync(r.GetValue(connection)!, times, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(string connectionString, int repeat, CancellationToken ct)
    {
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        DateTimeOffset newest;
        string node;
        long seq;
        var hubOptions = new HubOptions { Store = new() { Provider = HubStoreOptions.PostgreSql, ConnectionString = connectionString } };
        using (var store = new HubStore(Microsoft.Extensions.Options.Options.Create(hubOptions), Microsoft.Extensions.Logging.Abstractions.NullLogger<HubStore>.Instance))
        {
            var last = store.ReadTimeline(new TimelineFilter(), 1).Records.FirstOrDefault();
            if (last is null)
            {
                Console.Error.WriteLine("mesh bench console: the store holds no record; fill it first with 'mesh bench timeline'");
                return ExitCodes.Failure;
            }
            newest = DateTimeOffset.FromUnixTimeMilliseconds(last.HlcWallMs);
            (node, seq) = (last.NodeId, Math.Max(1, last.Seq / 2));
            Console.WriteLine($"store: {store.Location}, {store.Nodes.Count} nodes; newest record {newest:u}");
        }

        await using var app = HubApp.Build(
            ["--Hub:Url=http://127.0.0.1:0", "--Hub:Enrollment:Url=", "--Hub:Enrollment:PlaintextNodes=true", "--Hub:ApiUrl=http://127.0.0.1:0", "--Hub:Store:Provider=postgresql", $"--Hub:Store:ConnectionString={connectionString}",
                "--Hub:Access:Users:0:Name=bench", "--Hub:Access:Users:0:Role=viewer", $"--Hub:Access:Users:0:PasswordHash={PasswordHash.Create(password)}",
                "--Logging:LogLevel:Default=Warning"],
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                builder.Services.AddSingleton<TimeProvider>(new FixedTime(newest.AddSeconds(30)));
            });
        await app.StartAsync(ct).ConfigureAwait(false);
        var console = HubApp.GetApiAddress(app)!;
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = console };
        await SignInAsync(http, password, ct).ConfigureAwait(false);

        var timeline = await http.GetStringAsync("/timeline", ct).ConfigureAwait(false);
        var older = OlderLink().Match(timeline) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : "/timeline";
        var site = app.Services.GetRequiredService<HubStore>().Nodes.First(n => n.NodeId == node).Site;
        (string Name, string Path)[] pages =
        [
            ("fleet", "/"),
            ("timeline, newest", "/timeline"),
            ("timeline, older page", older),
            ($"timeline, site {site}", $"/timeline?site={site}"),
            ("timeline, kind Decision", "/timeline?kind=Decision"),
            ($"timeline, node {node} + device", $"/timeline?node={node}&device={Uri.EscapeDataString(DeviceOf(app, node))}"),
            ("decision detail", $"/decisions/{node}/{seq}"),
            ("approvals", "/approvals"),
            ("policies", "/policies"),
            ("charts, 15 min", "/charts"),
            ("charts, 1 h", "/charts?window=1h"),
        ];
        Console.WriteLine($"console {console}; {repeat} loads of each page after 3 unmeasured:");
        Console.WriteLine($"{"page",-40} {"p50 ms",8} {"p95 ms",8} {"max ms",8} {"bytes",9}");
        foreach (var (name, path) in pages)
        {
            var times = new List<double>(repeat);
            long bytes = 0;
            for (var i = 0; i < repeat + 3; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                clock.Stop();
                if (response.StatusCode != HttpStatusCode.OK || response.RequestMessage!.RequestUri!.AbsolutePath == "/login")
                {
                    Console.Error.WriteLine($"mesh bench console: {path} answered {(int)response.StatusCode} at {response.RequestMessage!.RequestUri}");
                    return ExitCodes.Failure;
                }
                if (i >= 3)
                    times.Add(clock.Elapsed.TotalMilliseconds);
                bytes = body.Length;
            }
            times.Sort();
            Console.WriteLine($"{name,-40} {Pct(times, 50),8:F1} {Pct(times, 95),8:F1} {times[^1],8:F1} {bytes,9:N0}");
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task SignInAsync(HttpClient http, string password, CancellationToken ct)
    {
        var form = await http.GetStringAsync("/login", ct).ConfigureAwait(false);
        var csrf = CsrfField().Match(form).Groups[1].Value;
        using var post = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [AccessSetup.AntiforgeryFieldName] = WebUtility.HtmlDecode(csrf), ["name"] = "bench", ["password"] = password, ["returnUrl"] = "/",
        });
        using var response = await http.PostAsync("/login", post, ct).ConfigureAwait(false);
        if (response.RequestMessage!.RequestUri!.AbsolutePath == "/login")
            throw new InvalidOperationException($"signing in to the console failed: {(int)response.StatusCode}");
    }

    private static string DeviceOf(Microsoft.AspNetCore.Builder.WebApplication app, string node) =>
        app.Services.GetRequiredService<HubStore>().ReadTimeline(new TimelineFilter(NodeId: node), 1).Records[0].Device;

    private static double Pct(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    [GeneratedRegex("name=\"" + AccessSetup.AntiforgeryFieldName + "\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("class=\"older\" href=\"([^\"]*)\"")]
    private static partial Regex OlderLink();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
