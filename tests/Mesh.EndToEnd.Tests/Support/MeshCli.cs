using System.Diagnostics;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The real <c>mesh</c> CLI executable, run as an operator would run it.</summary>
public static class MeshCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static async Task<Result> RunAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(BuiltExecutable.Find("tools", "Mesh.Cli", "mesh"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'mesh {string.Join(' ', args)}' did not finish within {timeout.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
