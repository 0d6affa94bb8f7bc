using System.Diagnostics;
using System.Text;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>A command line tool run to its end, its standard output and error together.</summary>
public static class Tool
{
    /// <exception cref="TimeoutException">It ran past <paramref name="timeout"/> (it is killed; the message has what it said).</exception>
    public static async Task<(int Code, string Output)> RunAsync(TimeSpan timeout, string file, params string[] args)
    {
        var output = new StringBuilder();
        var psi = new ProcessStartInfo(file);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = CapturedProcess.Start(psi, output);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish within {timeout.TotalSeconds:0} s; it said:\n{Said(output)}");
        }
        // The exit can come before the last redirected lines; WaitForExitAsync without a token waits for them.
        await process.WaitForExitAsync();
        return (process.ExitCode, Said(output).Trim());
    }

    private static string Said(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
