using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Testing;

/// <summary>
/// A real nats-server on loopback: plain (<c>-js</c> on a free port, its store in a fresh temp folder), or from one of
/// the example configurations in deploy/nats with its ports and store folder substituted in a temp copy. Stop and
/// Start keep the port and the store, as a restarted server would. Disposing kills it and removes the folder.
/// </summary>
public sealed class NatsServer : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly string[] _args;
    private Process? _process;

    private NatsServer(int port, string dir, string[] args)
    {
        Port = port;
        Dir = dir;
        _args = args;
    }

    public int Port { get; }

    /// <summary>The server's temp folder (its JetStream store, and the configuration of an example).</summary>
    public string Dir { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<NatsServer> StartAsync()
    {
        var port = FreePort();
        var dir = NewDir();
        var server = new NatsServer(port, dir, ["-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", dir]);
        await server.StartAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>Starts deploy/nats/<paramref name="file"/> with every <c>127.0.0.1:PORT</c> in it replaced as
    /// <paramref name="ports"/> says (the client port must be among them) and its <c>store_dir</c> in a temp folder.</summary>
    public static async Task<NatsServer> StartExampleAsync(string file, int clientPort, IReadOnlyDictionary<int, int> ports)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "deploy", "nats", file));
        text = Regex.Replace(text, @"127\.0\.0\.1:(\d+)", m => $"127.0.0.1:{ports[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]}");
        var dir = NewDir();
        text = Regex.Replace(text, "store_dir: \"[^\"]*\"", $"store_dir: \"{dir}/js\"");
        var conf = Path.Combine(dir, file);
        await File.WriteAllTextAsync(conf, text);
        var server = new NatsServer(clientPort, dir, ["-c", conf]);
        await server.StartAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    public static string Executable() =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is not installed: run 'apt-get install nats-server' (.ci/run does)");

    /// <summary>Starts the process (again) and waits until this start reports ready and accepts connections, at most
    /// <paramref name="timeout"/>.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var readyBefore = ReadyCount();
        var psi = new ProcessStartInfo(Executable());
        foreach (var a in _args)
            psi.ArgumentList.Add(a);
        var process = CapturedProcess.Start(psi, _output);
        _process = process;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nats-server exited with {process.ExitCode}: {Output}");
            // This start's own "ready" first (not an earlier one's): another test may have taken the probed port.
            if (ReadyCount() == readyBefore)
            {
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"nats-server did not report ready within {timeout.TotalSeconds:0} s: {Output}");
                await Task.Delay(50);
                continue;
            }
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private int ReadyCount()
    {
        var text = Output;
        var n = 0;
        for (var i = text.IndexOf("Server is ready", StringComparison.Ordinal); i >= 0; i = text.IndexOf("Server is ready", i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }

    /// <summary>SIGKILL: like a crash; what JetStream wrote to its files stays.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-nats-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
    }
}
