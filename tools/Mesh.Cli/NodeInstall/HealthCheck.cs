using System.Diagnostics;
using System.Text;

namespace Mesh.Cli.NodeInstall;

/// <summary>
/// Starts a release as its unit would (the unit's <c>ExecStart=</c>, as its user when this runs as root on a system
/// install) and waits, with a deadline, for <c>/healthz</c> on the configured status address, and for whatever else the
/// first start must finish (<paramref name="pending"/>: enrollment, which must not be cut off half-way, as its token is
/// good once); then stops it with SIGTERM.
/// </summary>
/// <param name="pending">What the node has still to do before it may be stopped (null: nothing), asked while it runs.</param>
/// <param name="failed">Why the node's output shows it cannot finish (null: it can still), asked with each line.</param>
public sealed class HealthCheck(string[] command, Uri statusUrl, TimeSpan deadline, string? runAs,
    Func<string?>? pending = null, Func<string, string?>? failed = null)
{
    public sealed record Outcome(bool Healthy, string Reason, string OutputTail);

    /// <summary>True when something already answers on the status address (a node still running).</summary>
    public static async Task<bool> AnswersAsync(Uri statusUrl, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(statusUrl, "/healthz"), ct).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<Outcome> RunAsync(string workingDirectory, CancellationToken ct)
    {
        var psi = runAs is null ? new ProcessStartInfo(command[0]) : new ProcessStartInfo("setpriv");
        if (runAs is not null)
            foreach (var a in new[] { $"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--", command[0] })
                psi.ArgumentList.Add(a);
        foreach (var a in command.Skip(1))
            psi.ArgumentList.Add(a);
        psi.WorkingDirectory = workingDirectory;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var output = _output;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {command[0]}");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return await WaitHealthyAsync(process, ct).ConfigureAwait(false) switch
            {
                null => new Outcome(true, $"/healthz answered ok on {statusUrl}", Tail()),
                var reason => new Outcome(false, reason, Tail()),
            };
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }

        void Keep(string? line)
        {
            if (line is not null)
                lock (output) output.AppendLine(line);
        }

        string Tail()
        {
            lock (output)
            {
                var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return string.Join('\n', lines.TakeLast(15));
            }
        }
    }

    /// <returns>Null when healthy, else why not.</returns>
    private async Task<string?> WaitHealthyAsync(Process process, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var healthz = new Uri(statusUrl, "/healthz");
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < deadline)
        {
            if (process.HasExited)
                return $"the node exited with code {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s";
            try
            {
                using var response = await http.GetAsync(healthz, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim() == "ok")
                {
                    if (Failure() is { } failure)
                        return failure;
                    if (pending?.Invoke() is not { } waitingFor)
                        return null;
                    last = waitingFor;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // slow to answer: try again until the deadline
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        return last is null ? $"no ok from {healthz} within {deadline.TotalSeconds:0} s"
            : $"/healthz answered ok, but within {deadline.TotalSeconds:0} s {last}";

        string? Failure()
        {
            if (failed is null)
                return null;
            lock (_output)
                return _output.ToString().Split('\n').Select(failed).FirstOrDefault(f => f is not null);
        }
    }

    private readonly StringBuilder _output = new();

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
            return;
        UnixNative.Terminate(process.Id);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }
}
