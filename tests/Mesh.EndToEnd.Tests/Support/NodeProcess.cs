using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The real <c>mesh-node</c> executable in its own process, so a test can kill it with SIGKILL.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private NodeProcess(Process process) => _process = process;

    /// <summary>What the process wrote so far, and its exit code once it has ended (a member the cluster downed stops by itself).</summary>
    public string Output
    {
        get
        {
            string text;
            lock (_output)
                text = _output.ToString();
            return !_disposed && _process.HasExited ? $"{text}(exited with code {_process.ExitCode})" : text;
        }
    }

    public static Task<NodeProcess> StartAsync(int mqttPort, params string[] settings) => StartAsync(mqttPort, new Dictionary<string, string>(), settings);

    /// <param name="environment">Extra environment variables of the process (e.g. libfaketime's, to skew its clock).</param>
    public static async Task<NodeProcess> StartAsync(int mqttPort, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var exe = NodeExecutable();
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        foreach (var s in settings)
            psi.ArgumentList.Add(s);
        psi.ArgumentList.Add($"--Node:Mqtt:Port={mqttPort}");
        var node = new NodeProcess(Process.Start(psi)!);
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        await node.WaitForPortAsync(mqttPort, TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>mesh-node as its own project built it (this test's output lacks the hosting assemblies the
    /// node takes from packages, since the test runs on the ASP.NET shared framework).</summary>
    private static string NodeExecutable()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = bin.Parent!.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Mesh.sln")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
        var exe = Path.Combine(root.FullName, "edge-node", "Mesh.Node.Host", "bin", configuration, bin.Name, "mesh-node");
        return File.Exists(exe) ? exe : throw new InvalidOperationException($"{exe} is not built: run 'dotnet build Mesh.sln'");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                // Until the output pipes are drained, the last lines (the error that ended the process) may still be in flight.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"mesh-node exited with {_process.ExitCode} before listening:\n{Output}");
            }
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>SIGKILL: no shutdown hooks, no flush; whatever was not durable is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        if (!_process.HasExited)
            Kill();
        _disposed = true;
        _process.Dispose();
    }

    public static int FreePort() => Mesh.Node.Ingest.EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback);
}
