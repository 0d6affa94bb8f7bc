using System.Diagnostics;

namespace Mesh.EndToEnd.Tests.Chaos;

/// <summary>
/// A tmpfs of a few MiB mounted on a fresh folder (the tests run as root, here and in CI), so a node's data directory can
/// really fill up. Dispose unmounts it (lazily, should a process still hold a file) and removes the folder; a test that
/// fails in between still gets here through its using.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(int megabytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mesh-disk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        return new SmallDisk(path);
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a file that leaves about <paramref name="leaveBytes"/> free; returns its path.</summary>
    public string Fill(long leaveBytes)
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var file = new FileStream(filler, FileMode.Create, FileAccess.Write);
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        while (FreeBytes > leaveBytes + chunk.Length)
            file.Write(chunk);
        file.Flush(true);
        return filler;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Run("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {error}");
    }
}
