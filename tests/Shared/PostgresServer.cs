using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Testing;

/// <summary>
/// A real PostgreSQL server on loopback: <c>initdb</c> into a fresh temp folder (trust authentication, user
/// <c>postgres</c>) and <c>postgres</c> on a free 127.0.0.1 port. Run as root (as in CI), both run as the OS user
/// <c>postgres</c>, which owns the folder, because PostgreSQL refuses root. <see cref="Shared"/> is the one server of a test
/// assembly; each test class asks it for a fresh database. Disposing stops it and removes the folder.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<Task<PostgresServer>> s_shared = new(async () =>
    {
        var server = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private readonly StringBuilder _output = new();
    private readonly string _bin;
    private Process? _process;
    private int _databases;

    private PostgresServer(string bin, string dir, int port)
    {
        _bin = bin;
        Dir = dir;
        Port = port;
    }

    /// <summary>The test assembly's server, started on first use, stopped when the test process exits.</summary>
    public static Task<PostgresServer> Shared => s_shared.Value;

    public int Port { get; }

    /// <summary>The temp folder: the cluster in <c>data</c>, the Unix socket beside it.</summary>
    public string Dir { get; }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser <c>postgres</c>.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = BinDirectory();
        RemoveStale();
        var dir = Path.Combine(Path.GetTempPath(), "mesh-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var server = new PostgresServer(bin, dir, FreePort());
        try
        {
            if (Environment.IsPrivilegedProcess)
                await RunAsync("chown", ["postgres:postgres", dir], asPostgres: false);
            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
            await server.StartServerAsync(TimeSpan.FromSeconds(30));
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Creates a database with a fresh name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}".ToLowerInvariant();
        await RunAsync(Path.Combine(_bin, "createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", name], asPostgres: false);
        return ConnectionString(name);
    }

    /// <summary>Where the PostgreSQL server binaries are; a missing installation fails the test with what to install.</summary>
    public static string BinDirectory()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "postgres")) && File.Exists(Path.Combine(dir, "initdb"));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => Has(d.Dir)).OrderByDescending(d => d.Version).FirstOrDefault();
            if (newest.Dir is not null)
                return newest.Dir;
        }
        var configured = PgConfigBinDir();
        if (configured is not null && Has(configured))
            return configured;
        return Has("/usr/local/bin") ? "/usr/local/bin"
            : throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, postgres) are not installed: run 'apt-get install postgresql' (.ci/run does)");
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, UseShellExecute = false });
            var dir = process?.StandardOutput.ReadToEnd().Trim();
            process?.WaitForExit();
            return string.IsNullOrEmpty(dir) ? null : dir;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private async Task StartServerAsync(TimeSpan timeout)
    {
        // fsync off: a test's durability is the server's word, not the disk's; it keeps the suite fast on a shared box.
        var psi = Start(Path.Combine(_bin, "postgres"),
            ["-D", Path.Combine(Dir, "data"), "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-k", Dir, "-c", "fsync=off", "-c", "max_connections=200"], asPostgres: true);
        var process = CapturedProcess.Start(psi, _output);
        _process = process;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"postgres exited with {process.ExitCode}: {Output}");
            if (Output.Contains("ready to accept connections", StringComparison.Ordinal))
            {
                try
                {
                    using var c = new TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"postgres did not accept connections within {timeout.TotalSeconds:0} s: {Output}");
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            // SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, since the data goes with the folder. It has to be
            // quick: the test host may be ended soon after the process-exit handlers start.
            using (var stop = Process.Start(new ProcessStartInfo("kill", ["-QUIT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
                stop?.WaitForExit(5_000);
            if (!_process.WaitForExit(15_000))
                _process.Kill(entireProcessTree: true);
        }
        _process?.Dispose();
        _process = null;
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes the folders of servers that stopped without removing theirs (a test host ended before its
    /// cleanup finished): a running server has <c>data/postmaster.pid</c>; a minute's grace spares one being set up.</summary>
    private static void RemoveStale()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "mesh-pg-*"))
        {
            if (File.Exists(Path.Combine(dir, "data", "postmaster.pid")) || Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-1))
                continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs a tool to its end; a failure throws with what it printed.</summary>
    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        using var process = Process.Start(Start(file, args, asPostgres))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout}{await stderr}");
    }

    /// <summary>As root, <c>setpriv</c> runs the binary as <c>postgres</c> in place (no child process), so the process
    /// started is PostgreSQL itself and a signal reaches it.</summary>
    private static ProcessStartInfo Start(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var runAs = asPostgres && Environment.IsPrivilegedProcess;
        var psi = new ProcessStartInfo(runAs ? "setpriv" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (runAs)
            foreach (var a in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", file })
                psi.ArgumentList.Add(a);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
