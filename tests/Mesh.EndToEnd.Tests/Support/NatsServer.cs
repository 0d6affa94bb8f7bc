using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A real nats-server on loopback: plain (<c>-js</c> on a free port, store in a temp folder), or from one of the
/// example configurations in deploy/nats with its ports and store folder substituted in a temp copy. Stop and
/// Start keep port and store; disposing kills it and removes the folder.
/// </summary>
public sealed class NatsServer : IDisposable
{
    private readonly string[] _args;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NatsServer(int port, string dir, string[] args)
    {
        Port = port;
        Dir = dir;
        _args = args;
    }

    public int Port { get; }

    public string Dir { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<NatsServer> StartAsync()
    {
        var port = NodeProcess.FreePort();
        var dir = NewDir();
        var server = new NatsServer(port, dir, ["-a", "127.0.0.1", "-p", $"{port}", "-js", "-sd", dir]);
        await server.RunAsync();
        return server;
    }

    /// <summary>Starts deploy/nats/<paramref name="file"/> with every <c>127.0.0.1:PORT</c> in it replaced as
    /// <paramref name="ports"/> says (the client port must be among them) and its <c>store_dir</c> in a temp folder.</summary>
    public static async Task<NatsServer> StartExampleAsync(string file, int clientPort, IReadOnlyDictionary<int, int> ports)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "deploy", "nats", file));
        text = Regex.Replace(text, @"127\.0\.0\.1:(\d+)", m => $"127.0.0.1:{ports[int.Parse(m.Groups[1].Value)]}");
        var dir = NewDir();
        text = Regex.Replace(text, "store_dir: \"[^\"]*\"", $"store_dir: \"{dir}/js\"");
        var conf = Path.Combine(dir, file);
        await File.WriteAllTextAsync(conf, text);
        var server = new NatsServer(clientPort, dir, ["-c", conf]);
        await server.RunAsync();
        return server;
    }

    /// <summary>Starts the process (again) and waits until it reports ready and accepts connections (at most 20 s).</summary>
    public async Task RunAsync()
    {
        var exe = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: run 'apt-get install nats-server' (.ci/run does)");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in _args)
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nats-server exited with {process.ExitCode}: {Output}");
            // Its own "ready" first: something else may listen on the port if another test took it meanwhile.
            if (!Output.Contains("Server is ready", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"nats-server did not report ready within 20 s: {Output}");
                await Task.Delay(50);
                continue;
            }
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>SIGKILL; what JetStream wrote to its files stays.</summary>
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

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
    }
}
