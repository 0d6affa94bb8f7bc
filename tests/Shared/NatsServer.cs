using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Testing;

/// <summary>
/// A real <c>nats-server -js</c> on a free loopback port with its store in a fresh temp folder; Stop and Start keep
/// the port and the store, as a restarted server would. Disposing kills it and removes the folder.
/// </summary>
public sealed class NatsServer : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NatsServer(int port, string storeDir)
    {
        Port = port;
        StoreDir = storeDir;
    }

    public int Port { get; }

    public string StoreDir { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServer> StartAsync()
    {
        var server = new NatsServer(FreePort(), Path.Combine(Path.GetTempPath(), "mesh-nats-" + Guid.NewGuid().ToString("N")[..8]));
        await server.StartAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    public static string Executable() =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is not installed: run 'apt-get install nats-server' (.ci/run does)");

    /// <summary>Starts the process and waits until it reports ready and accepts connections, at most <paramref name="timeout"/>.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var readyBefore = ReadyCount();
        var psi = new ProcessStartInfo(Executable()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", StoreDir })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"nats-server exited with {process.ExitCode}: {Output}");
            // Its own "ready" first: another test may have taken the probed port and listen there.
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

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(StoreDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
