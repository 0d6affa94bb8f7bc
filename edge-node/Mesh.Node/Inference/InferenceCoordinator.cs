using System.Diagnostics;
using Grpc.Core;
using Mesh.Inference.Runtime;
using Mesh.Node.Decisions;
using Mesh.Node.Routing;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Policy;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>
/// Runs the models a reading needs, each on the target the router picks: this node's execution provider, a peer in
/// the site, a cloud GPU node, or — when none qualifies — the model's deterministic skill ("degraded"). A target that
/// fails is routed around at once (its breaker counts the failure) and the task goes to the next best, so a reading
/// never waits on a dead node and is never dropped. Every run's route lists each candidate and why it won or lost.
/// </summary>
public sealed partial class InferenceCoordinator(
    LocalInference local,
    PeerDirectory peers,
    LiveStats live,
    BudgetLedger budget,
    NodeOptions options,
    ILogger<InferenceCoordinator> logger) : IReadingInference
{
    private readonly InferenceOptions _options = options.Inference;

    public LiveStats Live => live;

    public BudgetLedger Budget => budget;

    /// <summary>Runs each model in <paramref name="models"/> for <paramref name="reading"/>, in order.</summary>
    public async Task<IReadOnlyList<ModelRun>> RunAsync(Observation reading, IReadOnlyList<string> models, RoutingLimits? routing)
    {
        var limits = RouteLimits.From(routing);
        var runs = new ModelRun[models.Count];
        for (var i = 0; i < models.Count; i++)
            runs[i] = await RunOneAsync(reading, models[i], limits).ConfigureAwait(false);
        return runs;
    }

    private async Task<ModelRun> RunOneAsync(Observation reading, string model, RouteLimits limits)
    {
        if (ManifestOf(model) is not { Score: { } score } manifest)
            return Unknown(model, "", "score", $"model {model} is neither in this node's registry nor served by a peer it reaches");
        var row = new float[manifest.Features.Count];
        if (!ReadingRow.TryFill(manifest.Features, reading, row, out var missing))
            return Unknown(model, manifest.Version, score.Name, $"the reading has no metric '{missing}', which {model} needs");
        for (var i = 0; i < row.Length; i++)
            if (!float.IsFinite(row[i]))
                return Unknown(model, manifest.Version, score.Name, $"the reading's {manifest.Features[i]} is beyond the model's float range");

        var task = new RouteTask(model, _options.Deadline);
        var failures = new List<string>(0);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        // Failing over has a limit in time as well as in targets: past it, the deterministic skill decides.
        var giveUpAt = Stopwatch.GetTimestamp() + (long)(_options.RemoteTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (failures.Count > 0 && Stopwatch.GetTimestamp() > giveUpAt)
            {
                failures.Add($"gave up failing over after {_options.RemoteTimeout.TotalSeconds:0.###} s");
                return Deterministic(manifest, row, Router.Choose(task, [], limits, live, 0), failures);
            }
            var candidates = Candidates(manifest, excluded);
            var decision = Router.Choose(task, candidates, limits, live, limits.DailyBudget is null ? 0 : budget.Spent);
            if (decision.Degraded || decision.Winner is not { } winner)
                return Deterministic(manifest, row, decision, failures);
            var id = winner.Target.Id;
            // Agents spend concurrently: the reservation checks the budget and spends in one step. A breaker that
            // refuses the call (open, or its one probe already out) sends the task to the next best as well.
            BudgetReservation reservation = default;
            if (winner.CostPerInference > 0 && !budget.TryReserve(winner.CostPerInference, limits, out reservation))
            {
                failures.Add($"skipped {id}: the daily budget was spent meanwhile");
                excluded.Add(id);
                continue;
            }
            if (!live.Started(id))
            {
                Release(reservation);
                failures.Add($"skipped {id}: its breaker refused the call");
                excluded.Add(id);
                continue;
            }
            try
            {
                var result = await ExecuteAsync(winner, manifest, row).ConfigureAwait(false);
                live.Succeeded(id, TimeSpan.FromMicroseconds(result.ServiceMicros));
                var reasons = new List<string>(failures.Count + candidates.Count);
                reasons.AddRange(failures);
                reasons.AddRange(decision.Reasons());
                CountRoute(winner.Target.Kind);
                var route = new AuditRoute(id, winner.Target.Profile, model, result.Version, result.LatencyMicros,
                    (long)Math.Round(winner.CostPerInference * 1_000_000), reasons);
                return new ModelRun(model, result.Version, score.Name, result.Score, ModelRun.ConfidenceOf(result.Score), false, route);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Every started call ends: the breaker and the queue count must not keep a call that never returns.
                Release(reservation);
                var failure = ex as TargetException ?? new TargetException($"{ex.GetType().Name}: {ex.Message}", TargetFailure.Error);
                if (failure.CountsAgainstTarget)
                    live.Failed(id, failure.Failure);
                else
                    live.Abandoned(id);
                InferenceLog.TargetFailed(logger, id, model, failure.Message);
                failures.Add(Clip($"failed {id}: {failure.Message}; re-routed"));
                excluded.Add(id);
            }
        }
    }

    private void CountRoute(TargetKind kind) =>
        Telemetry.NodeTelemetry.InferenceRoutes.Add(1, Telemetry.NodeTelemetry.Tag(options.NodeId),
            new KeyValuePair<string, object?>("target", kind switch
            {
                TargetKind.Local => "local",
                TargetKind.SitePeer => "sitepeer",
                TargetKind.Cloud => "cloud",
                _ => "deterministic",
            }));

    private ModelRun Deterministic(ModelManifest manifest, float[] row, RouteDecision decision, List<string> failures)
    {
        CountRoute(TargetKind.Deterministic);
        var reasons = new List<string>(failures.Count + decision.Verdicts.Count + 1);
        reasons.AddRange(failures);
        reasons.AddRange(decision.Reasons());
        var target = $"deterministic:{options.NodeId}";
        if (manifest.Fallback is not { } fallback)
        {
            reasons.Add($"model {manifest.Name} has no deterministic skill: its outputs are unknown");
            return new ModelRun(manifest.Name, manifest.Version, manifest.Score!.Name, null, double.NaN, true,
                new AuditRoute(target, local.Profile.Id, manifest.Name, manifest.Version, 0, 0, reasons));
        }
        var value = BandSkill.Score(fallback, manifest.Features, row, out var outside);
        reasons.Add(outside is null ? $"skill {fallback.Skill}: every metric within its band" : $"skill {fallback.Skill}: {outside}");
        return new ModelRun(manifest.Name, manifest.Version, manifest.Score!.Name, value, fallback.Confidence, true,
            new AuditRoute(target, local.Profile.Id, manifest.Name, manifest.Version, 0, 0, reasons));
    }

    private void Release(BudgetReservation reservation)
    {
        if (reservation.Cost > 0)
            budget.Release(reservation);
    }

    /// <summary>This node's manifest of the model, else one a peer serving it advertised (a thin gateway without the model).</summary>
    private ModelManifest? ManifestOf(string model)
    {
        if (local.Manifest(model) is { } mine)
            return mine;
        foreach (var peer in peers.Peers)
            if (peer.Info?.Manifests.TryGetValue(model, out var theirs) == true)
                return theirs;
        return null;
    }

    private ModelRun Unknown(string model, string version, string output, string reason)
    {
        CountRoute(TargetKind.Deterministic);
        return new(model, version, output, null, double.NaN, true,
            new AuditRoute($"deterministic:{options.NodeId}", local.Profile.Id, model, version, 0, 0, [Clip(reason)]));
    }

    private static string Clip(string s) => s.Length <= RouteDecision.MaxReasonLength ? s : s[..(RouteDecision.MaxReasonLength - 3)] + "...";
}
