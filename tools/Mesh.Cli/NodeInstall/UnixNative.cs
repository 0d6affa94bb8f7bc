using System.Diagnostics;

namespace Mesh.Cli.NodeInstall;

/// <summary>What .NET does not do itself on Unix: ownership, a polite signal, and account look-up (through the system's
/// own <c>chown</c> and <c>kill</c>).</summary>
internal static class UnixNative
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static void SetOwner(string path, int uid, int gid) => Run("chown", $"{uid}:{gid}", path);

    /// <summary>Gives <paramref name="to"/> the owner and group of <paramref name="from"/>.</summary>
    public static void CopyOwner(string from, string to) => Run("chown", $"--reference={from}", to);

    /// <summary>Sends SIGTERM: a node flushes and disconnects on it, as under <c>systemctl stop</c>.</summary>
    public static void Terminate(int pid) => Run("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>rename(2) of <paramref name="from"/> over <paramref name="to"/>, links included: atomic, so <c>current</c> always
    /// names a release.</summary>
    public static void Rename(string from, string to) => Run("mv", "-T", "-f", from, to);

    /// <summary>The uid and primary gid of a user from <c>/etc/passwd</c>; null when there is none.</summary>
    public static (int Uid, int Gid)? FindUser(string name)
    {
        if (!File.Exists("/etc/passwd"))
            return null;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && f[0] == name && int.TryParse(f[2], out var uid) && int.TryParse(f[3], out var gid))
                return (uid, gid);
        }
        return null;
    }

    private static void Run(string tool, params string[] args)
    {
        using var process = Process.Start(tool, args);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new IOException($"{tool} {string.Join(' ', args)} failed with code {process.ExitCode}");
    }
}
