using System.Diagnostics;
using System.Text;

namespace Mesh.Testing;

/// <summary>Starts a server process whose standard output and error both go, line by line, into one buffer (under its
/// lock), so that a test can wait for a "ready" line and show what the server said when it fails.</summary>
public static class CapturedProcess
{
    public static Process Start(ProcessStartInfo psi, StringBuilder output)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }
}
