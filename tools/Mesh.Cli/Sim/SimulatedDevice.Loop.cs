using MQTTnet;

namespace Mesh.Cli.Sim;

internal sealed partial class SimulatedDevice
{
    /// <summary>The broker may close the connection on a packet it finds too big: do not loop on one.</summary>
    private const int OversizedAttempts = 3;

    /// <summary>
    /// Publishes until no new reading may start and every reading is settled, or the run is cancelled.
    /// At-least-once: a reading counts only once a success PUBACK came back; otherwise the same bytes go
    /// out again (after a reconnect when the connection broke) until acknowledged or given up. Readings go
    /// out in order, retries before new ones.
    /// </summary>
    public async Task RunAsync(SimulationRun run)
    {
        var pending = new List<Reading>();
        var window = new List<(Reading Reading, Task<PublishOutcome> Publish)>();
        var producing = true;
        try
        {
            while (!run.Running.IsCancellationRequested)
            {
                while (window.Count < run.Options.MaxInFlightPerDevice)
                {
                    Reading? next = null;
                    if (pending.Count > 0)
                    {
                        next = pending[0];
                        pending.RemoveAt(0);
                    }
                    else if (producing)
                    {
                        next = await NextReadingAsync(run).ConfigureAwait(false);
                        producing = next is not null;
                    }
                    if (next is null)
                        break;
                    window.Add((next, PublishAsync(next, run)));
                }
                if (window.Count == 0)
                    return;

                var (head, publish) = window[0];
                var outcome = await publish.ConfigureAwait(false);
                if (Settle(head, outcome, run))
                {
                    window.RemoveAt(0);
                    _backoff.Reset();
                    continue;
                }

                // Let the rest of the window finish and keep whatever was not acknowledged, in order.
                var failed = new List<Reading> { head };
                var broken = outcome.Error is not null;
                foreach (var (reading, task) in window.Skip(1))
                {
                    var o = await task.ConfigureAwait(false);
                    if (!Settle(reading, o, run))
                    {
                        failed.Add(reading);
                        broken |= o.Error is not null;
                    }
                }
                window.Clear();
                pending.InsertRange(0, failed.Where(r => !Abandon(r, run)));
                await RecoverAsync(broken, pending, run).ConfigureAwait(false);
            }
        }
        catch (Exception) when (run.Running.IsCancellationRequested)
        {
            // Cancelled: what is still unacknowledged is counted below.
        }
        finally
        {
            foreach (var (reading, task) in window)
            {
                if (!Settle(reading, await task.ConfigureAwait(false), run))
                    run.Counters.Failed();
            }
            foreach (var _ in pending)
                run.Counters.Failed();
        }
    }

    private async Task<Reading?> NextReadingAsync(SimulationRun run)
    {
        if (run.Options.ReadingsPerDevice is { } limit && _readings.Produced >= limit)
            return null;
        try
        {
            await run.Pacer.WaitAsync(run.Producing).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return _readings.Next(DateTime.UtcNow);
    }

    /// <summary>Counts a finished attempt; false when the reading must go out again.</summary>
    private bool Settle(Reading reading, PublishOutcome outcome, SimulationRun run)
    {
        if (outcome.Acked)
        {
            run.Counters.Acked(reading);
            if (reading.Seq is { } seq && reading.IsValid)
            {
                _ackedSeqs.Add(seq);
                _latenciesMs.Add(outcome.Latency.TotalMilliseconds);
            }
            return true;
        }
        // An error reason code is a definite answer for a payload meant to be refused; a valid reading is retried.
        if (outcome.ReasonCode is not null && !reading.IsValid)
        {
            run.Counters.Refused();
            return true;
        }
        return false;
    }

    /// <summary>True (and counted) when a reading is no longer worth republishing.</summary>
    private static bool Abandon(Reading reading, SimulationRun run)
    {
        if (reading.Malformed == MalformedKind.Oversized && reading.Attempts >= OversizedAttempts)
        {
            run.Counters.Refused();
            return true;
        }
        if (run.PastGiveUp(reading))
        {
            run.Counters.Failed();
            return true;
        }
        return false;
    }

    /// <summary>Backs off, then reconnects if the connection broke, for as long as some reading is still worth sending.</summary>
    private async Task RecoverAsync(bool broken, List<Reading> pending, SimulationRun run)
    {
        await _backoff.DelayAsync(run.Running).ConfigureAwait(false);
        if (!broken && _client.IsConnected)
            return;
        // After a PUBACK timeout the client may still think it is connected: start over on a fresh connection.
        await DisconnectAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        while (true)
        {
            try
            {
                var result = await _client.ConnectAsync(CurrentBroker, run.Running).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new SimulatorException($"the broker refused device {Device}: {result.ResultCode}");
                run.Counters.Reconnect();
                return;
            }
            catch (Exception) when (!run.Running.IsCancellationRequested)
            {
                NextBroker();
                pending.RemoveAll(r => Abandon(r, run));
                if (pending.Count == 0)
                    return;
                await _backoff.DelayAsync(run.Running).ConfigureAwait(false);
            }
        }
    }
}
