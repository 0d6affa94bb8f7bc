using System.Diagnostics;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// Runs <c>count</c> inputs of one target from a seed, stopping at the first failure. The inputs run on their own
/// thread under a watchdog: one that takes longer than <see cref="FuzzOptions.HangLimit"/> is reported as a hang (with
/// the input) and the run ends there, so a loop in the code under test cannot hang the caller.
/// </summary>
public static class FuzzRunner
{
    public static FuzzReport Run(FuzzKind kind, FuzzOptions options, Action<long>? progress = null, CancellationToken ct = default) => kind switch
    {
        FuzzKind.Payload => Run(new PayloadFuzzer(), options, progress, ct),
        FuzzKind.Policy => Run(new PolicyFuzzer(FuzzSeeds.Policies()), options, progress, ct),
        FuzzKind.Profile => Run(new ProfileFuzzer(FuzzSeeds.Profiles()), options, progress, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static FuzzReport Run<T>(FuzzTarget<T> target, FuzzOptions options, Action<long>? progress = null, CancellationToken ct = default)
    {
        var state = new RunState<T>(target, options);
        var worker = new Thread(() => state.Loop(ct)) { IsBackground = true, Name = "fuzz-" + target.Kind };
        var clock = Stopwatch.StartNew();
        worker.Start();
        while (!worker.Join(TimeSpan.FromMilliseconds(100)))
        {
            progress?.Invoke(Interlocked.Read(ref state.Done));
            if (state.CurrentFor() is { } running && running > options.HangLimit)
            {
                state.Hung($"no answer after {running.TotalSeconds:F1} s (hang limit {options.HangLimit.TotalSeconds:F0} s)");
                break;
            }
        }
        progress?.Invoke(Interlocked.Read(ref state.Done));
        return state.Report(clock.Elapsed);
    }

    private sealed class RunState<T>(FuzzTarget<T> target, FuzzOptions options)
    {
        private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
        private readonly object _gate = new();
        public long Done;
        private long _accepted;
        private long _rejected;
        private long _inputStartedTicks = -1;
        private long _slowestTicks;
        private long _index;
        private T? _current;
        private FuzzFailure? _failure;

        public void Loop(CancellationToken ct)
        {
            for (var i = options.Start; i < options.Start + options.Count && !ct.IsCancellationRequested; i++)
            {
                var input = target.Generate(new Random(FuzzSeed.ForInput(options.Seed, i)));
                lock (_gate)
                {
                    _index = i;
                    _current = input;
                }
                var started = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref _inputStartedTicks, started);
                FuzzVerdict verdict;
                try
                {
                    verdict = target.Check(input);
                }
                catch (Exception ex)
                {
                    verdict = FuzzVerdict.Fail($"unhandled {ex.GetType().Name}: {ex.Message}");
                }
                var took = Stopwatch.GetTimestamp() - started;
                Interlocked.Exchange(ref _inputStartedTicks, -1);
                if (took > _slowestTicks)
                    _slowestTicks = took;
                if (verdict.Failure is { } failure)
                {
                    lock (_gate)
                        _failure ??= new FuzzFailure(target.Kind, options.Seed, i, failure, target.Show(input));
                    return;
                }
                if (verdict.Accepted)
                    _accepted++;
                else
                {
                    _rejected++;
                    var reason = FuzzReasons.Category(verdict.Reason ?? "");
                    _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
                }
                Interlocked.Increment(ref Done);
            }
        }

        public TimeSpan? CurrentFor()
        {
            var started = Interlocked.Read(ref _inputStartedTicks);
            return started < 0 ? null : Stopwatch.GetElapsedTime(started);
        }

        public void Hung(string problem)
        {
            lock (_gate)
                _failure ??= new FuzzFailure(target.Kind, options.Seed, _index, problem, _current is { } c ? target.Show(c) : "");
        }

        public FuzzReport Report(TimeSpan elapsed)
        {
            lock (_gate)
            {
                // After a hang the worker is abandoned: read only what it published under the lock or atomically.
                var reasons = _failure is null
                    ? [.. _reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)]
                    : new List<KeyValuePair<string, long>>();
                return new FuzzReport(target.Kind, options.Seed, options.Start, Interlocked.Read(ref Done), _accepted, _rejected, elapsed,
                    Stopwatch.GetElapsedTime(0, _slowestTicks), reasons, _failure);
            }
        }
    }
}

/// <summary>A fuzz run's bounds: the seed, the first input's index, how many inputs, and how long one may take.</summary>
public sealed record FuzzOptions(int Seed, long Count, long Start = 0)
{
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(5);
}
