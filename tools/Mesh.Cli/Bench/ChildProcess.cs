using System.Diagnostics;
using System.Net.Sockets;

namespace Mesh.Cli.Bench;

/// <summary>This <c>mesh</c> executable started again as a child (a node or a plain broker), for measurements
/// that must not share a process with the load generator.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess StartSelf(params string[] args) => StartSelf(null, args);

    /// <param name="logPath">Where the child's output goes (appended); null: its standard output is dropped, its errors shown.</param>
    public static ChildProcess StartSelf(string? logPath, string[] args)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell where this executable is");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            psi.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        if (logPath is not null)
        {
            var log = TextWriter.Synchronized(new StreamWriter(logPath, append: true) { AutoFlush = true });
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
            process.Exited += (_, _) => log.Dispose();
            process.EnableRaisingEvents = true;
        }
        else
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  child: " + e.Data); };
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <summary>Polls until the child accepts TCP connections on <paramref name="port"/>.</summary>
    public async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the child process exited with code {_process.ExitCode} before listening on {port}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
        throw new TimeoutException($"nothing listened on port {port} within {timeout.TotalSeconds:0} s");
    }

    /// <summary>Resident set size in MiB, from /proc (Linux).</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    public static int FreePort() => Mesh.Node.Ingest.EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback);
}
