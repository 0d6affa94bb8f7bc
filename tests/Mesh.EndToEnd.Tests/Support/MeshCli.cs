using System.Diagnostics;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>The real <c>mesh</c> CLI executable, run as an operator would run it.</summary>
public static class MeshCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    public static string Executable => BuiltExecutable.Find("tools", "Mesh.Cli", "mesh");

    public static Task<Result> RunAsync(TimeSpan timeout, params string[] args) => RunCoreAsync(timeout, null, null, args);

    /// <param name="stdin">Written to the command's standard input, which is then closed.</param>
    public static Task<Result> RunWithInputAsync(TimeSpan timeout, string stdin, params string[] args) => RunCoreAsync(timeout, stdin, null, args);

    /// <summary>Runs with <c>MESH_HUB_TOKEN</c> set to <paramref name="token"/>.</summary>
    public static Task<Result> RunWithHubTokenAsync(TimeSpan timeout, string token, params string[] args) => RunCoreAsync(timeout, null, token, args);

    private static async Task<Result> RunCoreAsync(TimeSpan timeout, string? stdin, string? hubToken, string[] args)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        // The hub token comes from the arguments a test passes, never from the runner's environment.
        psi.Environment.Remove("MESH_HUB_TOKEN");
        if (hubToken is not null)
            psi.Environment["MESH_HUB_TOKEN"] = hubToken;
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
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
