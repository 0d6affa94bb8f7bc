using System.Diagnostics;

namespace Mesh.Cli.NodeInstall;

/// <summary>Runs <c>systemd-analyze verify</c> on a unit file.</summary>
public static class UnitVerifier
{
    public sealed record Result(int ExitCode, string Output)
    {
        /// <summary>Exit 0 and nothing said: systemd-analyze prints unknown keys and bad values as warnings with exit 0.</summary>
        public bool Ok => ExitCode == 0 && Output.Length == 0;
    }

    /// <returns>Null when systemd-analyze is not installed.</returns>
    public static async Task<Result?> VerifyAsync(string unitFile, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "verify", "--man=no", unitFile })
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return new Result(process.ExitCode, ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim());
        }
    }
}
