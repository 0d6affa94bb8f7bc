using System.Globalization;

namespace Mesh.Node.Routing;

/// <summary>Renders verdicts as short text, from the numbers the router kept. Invariant culture throughout.</summary>
internal static class RouteText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Why(in CandidateVerdict v)
    {
        var c = v.Candidate;
        var cur = Currency(v);
        return v.Verdict switch
        {
            Verdict.Won => string.Create(Inv, $"predicted {Ms(v.PredictedMs)} ≤ {Deadline(v.DeadlineMs)}, cost {Amount(v.Cost)} {cur}: cheapest"),
            Verdict.Costlier => string.Create(Inv, $"cost {Amount(v.Cost)} {cur} > {Amount(v.Rival!.CostPerInference)} {cur} of {v.Rival.Target.Id}"),
            Verdict.Slower => string.Create(Inv, $"same cost, predicted {Ms(v.PredictedMs)} > {Ms(v.RivalPredictedMs)} of {v.Rival!.Target.Id}"),
            Verdict.Tie => string.Create(Inv, $"tied with {v.Rival!.Target.Id} on cost and predicted {Ms(v.PredictedMs)}; the lower id wins"),
            Verdict.Unavailable => "unavailable: does not serve the model or is disconnected",
            Verdict.BreakerOpen => Breaker(v.Health.Breaker),
            Verdict.ResidencyForbids => Place(c.Target.Kind) + ": raw readings may not leave the site",
            Verdict.CurrencyMismatch => string.Create(Inv, $"priced in {cur}, limits in {v.Limits.Currency}"),
            Verdict.OverCostCap => string.Create(Inv, $"cost {Amount(v.Cost)} {cur} > cap {Amount(v.Limits.MaxCostPerDecision ?? 0)} {cur} per decision"),
            Verdict.OverBudget => string.Create(Inv, $"spent {Amount(v.SpentToday)} + {Amount(v.Cost)} {cur} > daily budget {Amount(v.Limits.DailyBudget ?? 0)} {cur}"),
            Verdict.MissesDeadline => string.Create(Inv, $"predicted {Ms(v.PredictedMs)} > deadline {Deadline(v.DeadlineMs)} ({Basis(v)})"),
            Verdict.Fallback => "no target qualified",
            _ => v.Verdict.ToString(),
        };
    }

    public static string Line(in CandidateVerdict v)
    {
        var line = v.Verdict switch
        {
            Verdict.Won => string.Create(Inv,
                $"won {v.TargetId}: predicted {Ms(v.PredictedMs)}, {Amount(v.Cost)} {Currency(v)}, cheapest within {Deadline(v.DeadlineMs)}"),
            Verdict.Fallback => "degraded: no target qualified; deterministic skill bands decided",
            _ => $"lost {v.TargetId}: {Why(v)}",
        };
        return line.Length <= RouteDecision.MaxReasonLength ? line : string.Concat(line.AsSpan(0, RouteDecision.MaxReasonLength - 1), "…");
    }

    private static string Basis(in CandidateVerdict v)
    {
        var c = v.Candidate;
        var basis = v.Measured ? "measured " + Ms(v.ServiceMs) : "prior p99 " + Ms(v.ServiceMs);
        if (c.RoundTripMs > 0)
            basis += " + " + Ms(c.RoundTripMs) + " round trip";
        if (v.Health.InFlight > 0)
            basis += string.Create(Inv, $", {v.Health.InFlight} in flight / {Math.Max(1, c.Parallelism)}");
        return basis;
    }

    private static string Breaker(BreakerSnapshot b)
    {
        var since = b.OpenedAt.UtcDateTime.ToString("HH:mm:ss'Z'", Inv);
        var cause = b.Trip switch
        {
            BreakerTrip.Failures => string.Create(Inv, $"{b.Failures} failures"),
            BreakerTrip.TimeoutStorm => "timeout storm",
            BreakerTrip.ProbeFailed => "probe failed",
            _ => "",
        };
        return b.State == BreakerState.HalfOpen
            ? $"breaker half-open, probe in flight (opened {since}, {cause})"
            : $"breaker open since {since} ({cause})";
    }

    private static string Place(TargetKind kind) => kind switch
    {
        TargetKind.Cloud => "cloud",
        TargetKind.SitePeer => "peer in another site",
        _ => "off-site target",
    };

    private static string Currency(in CandidateVerdict v) =>
        v.Candidate.Target.Currency.Length > 0 ? v.Candidate.Target.Currency : v.Limits.Currency;

    private static string Ms(double ms) => ms switch
    {
        < 1 => string.Create(Inv, $"{ms:0.00} ms"),
        < 100 => string.Create(Inv, $"{ms:0.0} ms"),
        _ => string.Create(Inv, $"{ms:0} ms"),
    };

    private static string Deadline(double ms) => string.Create(Inv, $"{ms:0.###} ms");

    private static string Amount(double amount) => string.Create(Inv, $"{amount:0.000000}");
}
