using System.Diagnostics;

namespace Mesh.Cli.NodeInstall;

/// <summary>Runs <c>dotnet publish</c> of <c>mesh-node</c>, self-contained for one runtime, and shows its output as it goes.</summary>
public static class NodePublisher
{
    public const string ProjectPath = "edge-node/Mesh.Node.Host/Mesh.Node.Host.csproj";

    /// <summary>The node's project: <paramref name="explicitPath"/>, or found above the working directory.</summary>
    public static string? FindProject(string? explicitPath)
    {
        if (explicitPath is not null)
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ProjectPath);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <returns>The exit code of <c>dotnet publish</c>.</returns>
    public static async Task<int> PublishAsync(string project, string runtime, string output, TextWriter progress, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", runtime, "--self-contained", "-o", output, "-p:DebugType=None", "-nologo" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var started = Stopwatch.StartNew();
        process.OutputDataReceived += (_, e) => Show(e.Data);
        process.ErrorDataReceived += (_, e) => Show(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode;

        void Show(string? line)
        {
            if (!string.IsNullOrWhiteSpace(line))
                lock (progress) progress.WriteLine($"  [{started.Elapsed:mm\\:ss}] {line.Trim()}");
        }
    }
}
