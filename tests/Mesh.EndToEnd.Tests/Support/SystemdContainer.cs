using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>
/// A real systemd booted as PID 1 of a systemd-nspawn container whose root is an overlay of this machine's own file system
/// (what it writes goes to a tmpfs and is gone with it), sharing the host's network: a unit started in it reaches a hub on
/// the host's loopback, and the test reaches the unit's ports. The overlay and a private <c>/run</c> (nspawn's own files)
/// are mounted in a mount namespace of the container's own, and nspawn runs in cgroups of its own, removed afterwards: the
/// host's <c>/etc</c>, <c>/var</c>, <c>/opt</c>, users and services stay as they were. The container boots
/// <c>basic.target</c>, so none of the host's enabled services (a broker, a database) start in it on the shared network.
/// Needs root, <c>systemd-nspawn</c> (Debian's systemd-container; .ci/run installs it), <c>unshare</c> and <c>nsenter</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SystemdContainer : IAsyncDisposable
{
    // $1: a folder for the overlay's layers; $2: the machine name, also the cgroups' name; then nspawn's options. `timeout`
    // bounds a container whose test process died before tearing it down.
    private const string BootScript = """
        set -eu
        dir=$1 name=$2
        shift 2
        for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
            if [ -e "$h/cgroup.procs" ]; then mkdir "$h/$name"; echo $$ > "$h/$name/cgroup.procs"; fi
        done
        mount -t tmpfs -o mode=0700 tmpfs "$dir"
        mkdir "$dir/upper" "$dir/work" "$dir/root"
        mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
        mount -t tmpfs -o mode=0755 tmpfs /run
        exec timeout --kill-after=30s 15m systemd-nspawn --directory="$dir/root" --register=no --keep-unit --boot \
            --console=passive --machine="$name" "$@" -- systemd.unit=basic.target systemd.mask=timers.target
        """;

    private static readonly string[] CgroupRoots = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"];

    private readonly Process _nspawn;
    private readonly StringBuilder _console;
    private readonly string _name;
    private readonly string _dir;
    private int _init;

    private SystemdContainer(Process nspawn, StringBuilder console, string name, string dir) =>
        (_nspawn, _console, _name, _dir) = (nspawn, console, name, dir);

    /// <summary>Boots the container and waits, up to <paramref name="timeout"/>, until its systemd has finished starting.</summary>
    /// <param name="readOnly">Folders of the host seen as they are now, read-only, at the same paths (builds to install from):
    /// the overlay would show a later change of them late or not at all, or not show them, on another file system.</param>
    public static async Task<SystemdContainer> BootAsync(TimeSpan timeout, params string[] readOnly)
    {
        if (!Environment.IsPrivilegedProcess)
            throw new InvalidOperationException("booting a systemd container needs root: run the tests as root (CI does)");
        if (!File.Exists("/usr/bin/systemd-nspawn"))
            throw new InvalidOperationException("systemd-nspawn is not installed: apt-get install systemd-container (.ci/run does)");
        var name = "mesh-e2e-" + Guid.NewGuid().ToString("N")[..8];
        var dir = Path.Combine(Path.GetTempPath(), name);
        Directory.CreateDirectory(dir);
        var psi = new ProcessStartInfo("unshare");
        foreach (var a in new[] { "--mount", "--propagation", "private", "sh", "-c", BootScript, "sh", dir, name })
            psi.ArgumentList.Add(a);
        foreach (var path in readOnly)
            psi.ArgumentList.Add("--bind-ro=" + path);
        var console = new StringBuilder();
        var box = new SystemdContainer(CapturedProcess.Start(psi, console), console, name, dir);
        try
        {
            await Poll.UntilAsync(() =>
            {
                if (box._nspawn.HasExited)
                    throw new InvalidOperationException($"the container did not boot: nspawn exited with {box._nspawn.ExitCode}; it said:\n{box.Console}");
                return (box._init = box.FindInit()) != 0;
            }, timeout, () => $"systemd in the container; nspawn said:\n{box.Console}");
            var state = "";
            await Poll.UntilAsync(async () =>
            {
                var (_, output) = await box.ExecAsync(timeout, "systemctl", "is-system-running", "--wait");
                state = output;
                return output is "running" or "degraded";
            }, timeout, () => $"the container's systemd to finish starting (it says '{state}'); nspawn said:\n{box.Console}");
            if (state == "degraded")
                throw new InvalidOperationException($"the container booted degraded:\n{(await box.ExecAsync(timeout, "systemctl", "--failed", "--no-pager")).Output}");
            return box;
        }
        catch
        {
            await box.DisposeAsync();
            throw;
        }
    }

    /// <summary>What nspawn and the container's console printed.</summary>
    public string Console
    {
        get { lock (_console) return _console.ToString(); }
    }

    /// <summary>Runs a command in the container as root, in its namespaces, with a clean environment.</summary>
    public Task<(int Code, string Output)> ExecAsync(TimeSpan timeout, params string[] command) =>
        Tool.RunAsync(timeout, "nsenter", ["--target", _init.ToString(CultureInfo.InvariantCulture), "--all",
            "env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", .. command]);

    /// <summary>A unit's properties as <c>systemctl show</c> gives them.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ShowAsync(TimeSpan timeout, string unit, params string[] properties)
    {
        var (code, output) = await ExecAsync(timeout, "systemctl", "show", unit, "--property=" + string.Join(',', properties));
        if (code != 0)
            throw new InvalidOperationException($"systemctl show {unit} failed ({code}): {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    /// <summary>The unit's journal, for a failure's message.</summary>
    public async Task<string> JournalAsync(string unit) =>
        (await ExecAsync(TimeSpan.FromSeconds(30), "journalctl", "--unit", unit, "--no-pager", "--lines=80")).Output;

    /// <summary>Whether <paramref name="path"/> exists in the container's file system.</summary>
    public bool Exists(string path) => Path.Exists($"/proc/{_init}/root{path}");

    /// <summary>Halts the container (SIGTERM to nspawn: systemd shuts down in order), kills it after 60 s, and removes its
    /// cgroups and folder. The overlay's tmpfs goes with the mount namespace.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_nspawn.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _nspawn.Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _nspawn.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _nspawn.Kill(entireProcessTree: true);
                await _nspawn.WaitForExitAsync();
            }
        }
        _nspawn.Dispose();
        // The container's last processes may still be on their way out for a moment after nspawn.
        await Poll.UntilAsync(RemoveCgroups, TimeSpan.FromSeconds(30), () => $"the container's cgroups to empty: remove /sys/fs/cgroup/*/{_name} by hand");
        Directory.Delete(_dir);
    }

    /// <returns>Whether they are all gone.</returns>
    private bool RemoveCgroups()
    {
        try
        {
            foreach (var cgroup in CgroupRoots.Select(root => Path.Combine(root, _name)).Where(Directory.Exists))
            {
                // A cgroup's folder is removed by rmdir alone, its children first; the files in it are the kernel's.
                foreach (var sub in Directory.EnumerateDirectories(cgroup, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                    Directory.Delete(sub);
                Directory.Delete(cgroup);
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The container's PID 1 seen from here: the <c>systemd</c> below nspawn; 0 until it runs.</summary>
    private int FindInit()
    {
        var pending = new Queue<int>([_nspawn.Id]);
        while (pending.TryDequeue(out var pid))
        {
            if (pid != _nspawn.Id && ReadOrEmpty($"/proc/{pid}/comm").Trim() == "systemd")
                return pid;
            foreach (var child in ReadOrEmpty($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                pending.Enqueue(int.Parse(child, CultureInfo.InvariantCulture));
        }
        return 0;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
