using System.Diagnostics;

namespace Mesh.Cli.Sim;

/// <summary>What all devices of one run share.</summary>
/// <param name="Producing">Cancelled when no new readings may start (duration over, or the run cancelled).</param>
/// <param name="Running">Cancelled when the run is cancelled: stop republishing too.</param>
internal sealed record SimulationRun(
    SimulatorOptions Options,
    RatePacer Pacer,
    SimulationCounters Counters,
    CancellationToken Producing,
    CancellationToken Running)
{
    public bool PastGiveUp(Reading r) => Stopwatch.GetElapsedTime(r.FirstAttempt) > Options.GiveUpAfter;
}
