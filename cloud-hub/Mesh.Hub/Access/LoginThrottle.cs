using Microsoft.Extensions.Options;

namespace Mesh.Hub.Access;

/// <summary>
/// Counts failed logins per name (ignoring case), known or not, and locks a name that fails
/// <see cref="LockoutOptions.MaxFailures"/> times within <see cref="LockoutOptions.Window"/>. In memory: a restart
/// forgets failures and locks, which an operator may use to unlock at once.
/// </summary>
public sealed class LoginThrottle(IOptions<HubOptions> options, TimeProvider time)
{
    /// <summary>Names tracked at most; beyond it the ones with nothing recent are forgotten, so guessing many names
    /// cannot grow memory without bound.</summary>
    public const int MaxTrackedNames = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, NameState> _names = new(StringComparer.OrdinalIgnoreCase);

    private LockoutOptions Lockout => options.Value.Access.Lockout;

    /// <summary>When the name's lock ends; null when it is not locked.</summary>
    public DateTimeOffset? LockedUntil(string name)
    {
        var now = time.GetUtcNow();
        lock (_lock)
            return _names.TryGetValue(name, out var state) && state.LockedUntil > now ? state.LockedUntil : null;
    }

    /// <summary>Counts a failure; returns when the lock it caused ends, or null when the name is not locked by it.</summary>
    public DateTimeOffset? Fail(string name)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_names.TryGetValue(name, out var state))
            {
                if (_names.Count >= MaxTrackedNames)
                    Prune(now);
                _names[name] = state = new NameState();
            }
            state.Failures.Enqueue(now);
            while (state.Failures.Count > 0 && now - state.Failures.Peek() > Lockout.Window)
                state.Failures.Dequeue();
            if (state.Failures.Count < Lockout.MaxFailures)
                return null;
            state.Failures.Clear();
            state.LockedUntil = now + Lockout.Duration;
            return state.LockedUntil;
        }
    }

    /// <summary>A successful login clears the name's failures.</summary>
    public void Succeed(string name)
    {
        lock (_lock)
            _names.Remove(name);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (name, state) in _names.ToList())
        {
            if (state.LockedUntil <= now && (state.Failures.Count == 0 || now - state.Failures.Last() > Lockout.Window))
                _names.Remove(name);
        }
        // Still full of live entries (a wide guessing run): drop unlocked ones rather than grow; a locked name stays locked.
        foreach (var name in _names.Where(n => n.Value.LockedUntil <= now).Take(Math.Max(0, _names.Count - MaxTrackedNames + 1)).Select(n => n.Key).ToList())
            _names.Remove(name);
    }

    private sealed class NameState
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
