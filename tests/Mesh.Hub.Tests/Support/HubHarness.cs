using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grpc.Net.Client;
using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Hub.Control;
using Mesh.Protocol.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Hub.Tests.Support;

/// <summary>
/// The real hub in-process: Kestrel on ports the OS picks and a SQLite file in a fresh temp folder, with a
/// gRPC client and an HTTP/2 client for its JSON API. Restart keeps the file. Disposing fails the test when
/// the hub logged an error. The hub is configured with admin API tokens named <see cref="Actors"/>
/// (<c>Hub:Access:Tokens:0..3</c>; tests add theirs from index 10); <see cref="Http"/> acts as the first.
/// </summary>
internal sealed class HubHarness : IAsyncDisposable
{
    private readonly string _folder;
    private string[] _extraArgs;
    private WebApplication? _app;
    private GrpcChannel? _channel;
    private HttpClient? _http;
    private readonly Dictionary<string, HttpClient> _actors = new(StringComparer.Ordinal);

    /// <summary>The admin tokens' names: the actors the action log and decisions record.</summary>
    public static readonly IReadOnlyList<string> Actors = ["alice", "bob", "carol", "dave"];

    /// <summary>Each actor's token, fresh per harness.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; } = Actors.ToDictionary(a => a, _ => ApiToken.New());

    private readonly TimeProvider? _clock;

    private HubHarness(string[] extraArgs, TimeProvider? clock = null)
    {
        _clock = clock;
        _folder = Path.Combine(Path.GetTempPath(), "mesh-hub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _extraArgs = extraArgs;
    }

    public string DataPath => Path.Combine(_folder, "hub.db");

    public LogCapture Logs { get; private set; } = new();

    public WebApplication App => _app ?? throw new InvalidOperationException("not started");

    public Uri Address => HubApp.GetBoundAddress(App);

    public AuditSync.AuditSyncClient Client => new(_channel ?? throw new InvalidOperationException("not started"));

    public NodeControl.NodeControlClient Control => new(_channel ?? throw new InvalidOperationException("not started"));

    public SiteGossip.SiteGossipClient Gossip => new(_channel ?? throw new InvalidOperationException("not started"));

    public HttpClient Http => _http ?? throw new InvalidOperationException("not started");

    /// <summary>A client of the HTTP/2 JSON API that authenticates as <paramref name="actor"/> (one of <see cref="Actors"/>).</summary>
    public HttpClient HttpAs(string actor)
    {
        if (_actors.TryGetValue(actor, out var http))
            return http;
        http = HubApp.CreateHttpClient(Address);
        Authorize(http, actor);
        _actors[actor] = http;
        return http;
    }

    /// <summary>Makes <paramref name="http"/> send <paramref name="actor"/>'s admin token.</summary>
    public void Authorize(HttpClient http, string actor = "alice") =>
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[actor]);

    public static async Task<HubHarness> StartAsync(params string[] extraArgs)
    {
        var harness = new HubHarness(extraArgs);
        await harness.StartAppAsync();
        return harness;
    }

    /// <summary>Starts a hub whose clock is <paramref name="clock"/> (the times it stamps on pushes and decisions).</summary>
    public static async Task<HubHarness> StartWithClockAsync(TimeProvider clock, params string[] extraArgs)
    {
        var harness = new HubHarness(extraArgs, clock);
        await harness.StartAppAsync();
        return harness;
    }

    /// <summary>Stops the hub and builds a new one on the same database file; <paramref name="whileStopped"/>
    /// runs in between (to change the file).</summary>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await StopAppAsync();
        whileStopped?.Invoke();
        await StartAppAsync();
    }

    /// <summary>Restarts on the same database with other configuration arguments (the harness's tokens stay).</summary>
    public async Task RestartAsync(string[] extraArgs)
    {
        await StopAppAsync();
        _extraArgs = extraArgs;
        await StartAppAsync();
    }

    /// <summary>As <see cref="RestartAsync(Action?)"/>, with asynchronous work while the hub is down.</summary>
    public async Task RestartAsync(Func<Task> whileStopped)
    {
        await StopAppAsync();
        await whileStopped();
        await StartAppAsync();
    }

    /// <summary>The node as the hub's store holds it now (null when unknown), without going through the API.</summary>
    public Mesh.Hub.Storage.StoredNode? StoredNode(string nodeId = TestChain.Node) =>
        App.Services.GetRequiredService<Mesh.Hub.Storage.HubStore>().FindNode(nodeId);

    public async Task<IReadOnlyList<NodeSummary>> NodesAsync() =>
        (await Http.GetFromJsonAsync<List<NodeSummary>>("/api/nodes"))!;

    public async Task<NodeSummary> NodeAsync(string nodeId = TestChain.Node) =>
        (await NodesAsync()).Single(n => n.NodeId == nodeId);

    public async Task<AuditPageDto> AuditAsync(string nodeId = TestChain.Node, long after = 0, int limit = 1000) =>
        (await Http.GetFromJsonAsync<AuditPageDto>($"/api/nodes/{nodeId}/audit?after={after}&limit={limit}"))!;

    /// <summary>Waits (at most 15 s) until exactly <paramref name="count"/> Watch streams are subscribed.</summary>
    public async Task WaitForWatchersAsync(int count)
    {
        var broadcast = App.Services.GetRequiredService<ControlBroadcast>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (broadcast.Count != count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"expected {count} watch subscriber(s), the hub has {broadcast.Count}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
        Logs.Errors.ShouldBeEmpty($"the hub logged errors:{Environment.NewLine}{string.Join(Environment.NewLine, Logs.Errors)}");
    }

    private async Task StartAppAsync()
    {
        var logs = new LogCapture();
        string[] args = ["--Hub:Url=http://127.0.0.1:0", $"--Hub:DataPath={DataPath}", .. TokenArgs(),
            "--Hub:Enrollment:Url=https://127.0.0.1:0", "--Hub:Enrollment:PlaintextNodes=true", .. _extraArgs];
        _app = HubApp.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            if (_clock is not null)
                builder.Services.AddSingleton(_clock);
        });
        Logs = logs;
        await _app.StartAsync();
        _channel = GrpcChannel.ForAddress(Address);
        _http = HttpAs(Actors[0]);
    }

    private IEnumerable<string> TokenArgs() => Actors.SelectMany((actor, i) => new[]
    {
        $"--Hub:Access:Tokens:{i}:Name={actor}", $"--Hub:Access:Tokens:{i}:Role=admin", $"--Hub:Access:Tokens:{i}:Sha256={ApiToken.Sha256Hex(Tokens[actor])}",
    });

    private async Task StopAppAsync()
    {
        foreach (var http in _actors.Values)
            http.Dispose();
        _actors.Clear();
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _http = null;
        _channel = null;
        _app = null;
    }
}
