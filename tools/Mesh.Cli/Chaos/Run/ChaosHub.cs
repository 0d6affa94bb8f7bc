using Mesh.Cli.Bench;
using Mesh.Hub.Access;

namespace Mesh.Cli.Chaos.Run;

/// <summary>The hub of a chaos run: this executable again (<c>mesh chaos hub</c>), so it can be killed with SIGKILL and
/// started again on the same file and port.</summary>
internal sealed class ChaosHub : IDisposable
{
    private readonly string _dataPath;
    private readonly string _log;
    private readonly string _tokenSha256;
    private ChildProcess _process;

    private ChaosHub(string dataPath, string log, int port, string token, ChildProcess process)
    {
        _dataPath = dataPath;
        _log = log;
        Port = port;
        Token = token;
        _tokenSha256 = ApiToken.Sha256Hex(token);
        _process = process;
    }

    public int Port { get; }

    public string Token { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => _process.HasExited;

    public static async Task<ChaosHub> StartAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var token = ApiToken.New();
        var port = ChildProcess.FreePort();
        var hub = new ChaosHub(Path.Combine(folder, "hub.db"), Path.Combine(folder, "hub.log"), port, token, null!);
        hub._process = hub.Spawn();
        await hub._process.WaitForPortAsync(port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return hub;
    }

    /// <summary>SIGKILL, then the hub again on the same file and port; returns the time until it listened again.</summary>
    public async Task<TimeSpan> KillAndRestartAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _process.Dispose();
        _process = Spawn();
        await _process.WaitForPortAsync(Port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return clock.Elapsed;
    }

    private ChildProcess Spawn() => ChildProcess.StartSelf(_log, ["chaos", "hub", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--data", _dataPath, "--token-sha256", _tokenSha256]);

    public void Dispose() => _process.Dispose();
}
