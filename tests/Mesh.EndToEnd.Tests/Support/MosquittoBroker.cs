using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A real Mosquitto broker on a free loopback port, configured deliberately: its defaults silently drop
/// acknowledged QoS 1 messages under load (bounded queues), so queues and in-flight windows are unlimited.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _output = new();

    private MosquittoBroker(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What the broker logged so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts a Mosquitto of its own on a free port. Another test may take the port between probing and binding:
    /// then this Mosquitto exits, and it starts again on another port; it returns only once its own process logged that
    /// it runs, so a test never talks to some other listener on that port.</summary>
    public static async Task<MosquittoBroker> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var broker = await TryStartAsync();
            if (broker is not null)
                return broker;
            if (attempt == 5)
                throw new InvalidOperationException("mosquitto did not start on any of 5 free ports");
        }
    }

    private static async Task<MosquittoBroker?> TryStartAsync()
    {
        var exe = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto is not installed: run 'apt-get install mosquitto' (.ci/run does)");
        var port = NodeProcess.FreePort();
        var dir = Path.Combine(Path.GetTempPath(), "mesh-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var conf = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(conf, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 0
            max_inflight_messages 0
            set_tcp_nodelay true
            log_dest stderr
            log_type error
            log_type warning
            log_type information
            """);
        return await StartFromAsync(exe, conf, dir, port);
    }

    /// <summary>Starts Mosquitto with a configuration written elsewhere (e.g. by 'mesh broker config') that listens on
    /// <paramref name="port"/>; null when it exited before running (its port taken).</summary>
    public static Task<MosquittoBroker?> StartWithConfigAsync(string conf, int port)
    {
        var exe = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto is not installed: run 'apt-get install mosquitto' (.ci/run does)");
        var dir = Path.Combine(Path.GetTempPath(), "mesh-mosquitto-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return StartFromAsync(exe, conf, dir, port);
    }

    private static async Task<MosquittoBroker?> StartFromAsync(string exe, string conf, string dir, int port)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(conf);
        var broker = new MosquittoBroker(Process.Start(psi)!, dir, port);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (broker._output)
                broker._output.AppendLine(e.Data);
            // Logged once its listener is bound ("mosquitto version … running").
            if (e.Data.Contains(" running", StringComparison.Ordinal))
                running.TrySetResult();
        };
        broker._process.OutputDataReceived += (_, _) => { };
        broker._process.BeginErrorReadLine();
        broker._process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!running.Task.IsCompleted)
        {
            if (broker._process.HasExited)
            {
                broker.Dispose();
                return null;
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"mosquitto did not report running within 20 s: {broker._output}");
            await Task.WhenAny(running.Task, Task.Delay(50));
        }
        using var c = new TcpClient();
        await c.ConnectAsync("127.0.0.1", port);
        return broker;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
