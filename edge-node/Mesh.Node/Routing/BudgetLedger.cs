namespace Mesh.Node.Routing;

/// <summary>
/// What the site has spent on inference today (UTC, by the <see cref="TimeProvider"/>), in the policy's currency.
/// Thread-safe. The day rolls over at UTC midnight on the next read or write; nothing runs on a timer.
/// </summary>
/// <remarks>The router reads <see cref="Spent"/> to choose; since other agents spend at the same time, the caller then
/// confirms its choice with <see cref="TryReserve"/> and routes again when that fails.</remarks>
public sealed class BudgetLedger
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private DateOnly _day;
    private double _spent;

    public BudgetLedger(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _day = Today();
    }

    /// <summary>The site's shared state (a PN-counter per day): this node's spending is added to it, and what the other
    /// nodes of the site spent counts against the budget too. Null: this node's spending alone.</summary>
    public SiteState.SiteStateStore? Site { get; set; }

    /// <summary>The current UTC day.</summary>
    public DateOnly Day
    {
        get
        {
            lock (_gate)
                return Roll();
        }
    }

    /// <summary>Spent so far today, by the site (this node and, with <see cref="Site"/>, the others as far as it knows).</summary>
    public double Spent
    {
        get
        {
            lock (_gate)
            {
                var day = Roll();
                return _spent + Others(day);
            }
        }
    }

    /// <summary>Restores a day's spending (from the audit journal at start). Ignored, returning false, unless
    /// <paramref name="utcDay"/> is today.</summary>
    public bool Seed(DateOnly utcDay, double spent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spent);
        lock (_gate)
        {
            if (Roll() != utcDay)
                return false;
            _spent = spent;
            // The site counter keeps each node's own total as the largest it has seen: publish what it lacks of ours.
            if (Site is { } site && Micros(spent) - site.SpentBy(utcDay, site.NodeId) is > 0 and var missing)
                site.AddSpend(utcDay, missing);
            return true;
        }
    }

    /// <summary>Records spending unconditionally (a cost learned after the fact).</summary>
    public void Add(double cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        lock (_gate)
        {
            var day = Roll();
            _spent += cost;
            Site?.AddSpend(day, Micros(cost));
        }
    }

    /// <summary>Reserves <paramref name="cost"/> when it keeps today's spending within <see cref="RouteLimits.DailyBudget"/>
    /// (no budget: always). The check and the addition are one step, so concurrent agents cannot overspend together.</summary>
    public bool TryReserve(double cost, RouteLimits limits, out BudgetReservation reservation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        ArgumentNullException.ThrowIfNull(limits);
        lock (_gate)
        {
            var day = Roll();
            if (cost > 0 && limits.DailyBudget is { } budget && _spent + Others(day) + cost > budget + RouteLimits.CostTolerance)
            {
                reservation = default;
                return false;
            }
            _spent += cost;
            Site?.AddSpend(day, Micros(cost));
            reservation = new(day, cost);
            return true;
        }
    }

    /// <summary>Gives back a reservation that was not spent (the call never went out). A reservation from an earlier
    /// day is ignored: that day's spending is gone with it.</summary>
    public void Release(BudgetReservation reservation)
    {
        lock (_gate)
        {
            if (Roll() == reservation.Day)
            {
                _spent = Math.Max(0, _spent - reservation.Cost);
                Site?.AddSpend(reservation.Day, -Micros(reservation.Cost));
            }
        }
    }

    private double Others(DateOnly day) => Site is { } site ? site.SpentByOthers(day) / 1e6 : 0;

    private static long Micros(double cost) => (long)Math.Round(cost * 1e6);

    private DateOnly Roll()
    {
        var today = Today();
        if (today > _day) // a clock stepped back keeps the later day's spending: never spend twice
        {
            _day = today;
            _spent = 0;
        }
        return _day;
    }

    private DateOnly Today() => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
}

/// <summary>An amount held against one UTC day's budget.</summary>
public readonly record struct BudgetReservation(DateOnly Day, double Cost);
