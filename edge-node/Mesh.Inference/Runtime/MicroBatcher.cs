using System.Diagnostics;
using System.Threading.Channels;

namespace Mesh.Inference.Runtime;

/// <summary>The batch a reading shared failed; the batch's first reading carries the error itself.</summary>
public sealed class SharedBatchFailedException(Exception cause) : Exception($"the batch this reading shared failed: {cause.Message}", cause);

/// <summary>One scored reading, with how long it waited for its batch and how long the batch ran.</summary>
public readonly record struct BatchScore(float Score, int BatchSize, long QueueMicros, long RunMicros)
{
    public long TotalMicros => QueueMicros + RunMicros;
}

/// <summary>
/// Scores readings from many device agents in shared batches. One loop takes every request already queued (up to
/// the largest batch); when fewer than a full batch are there it waits for more, but never longer than
/// <see cref="MaxWait"/> after the first request of the batch arrived. Under load the queue fills while a batch runs,
/// so batches grow without waiting; when quiet, a lone reading waits at most <see cref="MaxWait"/>.
/// </summary>
public sealed class MicroBatcher : IAsyncDisposable
{
    private readonly ReadingModelRunner _runner;
    private readonly Channel<Request> _queue;
    private readonly Request[] _batch;
    private readonly Task _loop;
    private Task<bool>? _pendingWait;
    private int _queued;

    public MicroBatcher(ReadingModelRunner runner, TimeSpan maxWait)
    {
        _runner = runner;
        MaxWait = maxWait;
        _batch = new Request[runner.MaxBatch];
        _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
        _loop = Task.Factory.StartNew(RunLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public TimeSpan MaxWait { get; }

    /// <summary>Requests queued and not yet taken into a batch.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    /// <summary>Scores one input row (copied; the caller may reuse it).</summary>
    public Task<BatchScore> ScoreAsync(ReadOnlySpan<float> row)
    {
        if (row.Length != _runner.Width)
            throw new ArgumentException($"expected {_runner.Width} features, got {row.Length}", nameof(row));
        var request = new Request(row.ToArray());
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(MicroBatcher));
        }
        return request.Completion.Task;
    }

    private async Task RunLoopAsync()
    {
        var reader = _queue.Reader;
        while (await WaitAsync(reader).ConfigureAwait(false))
        {
            var n = 0;
            while (n < _batch.Length && reader.TryRead(out var r))
                _batch[n++] = r;
            if (n == 0)
                continue;
            if (n < _batch.Length && MaxWait > TimeSpan.Zero)
                n = await FillAsync(reader, n).ConfigureAwait(false);
            RunBatch(n);
        }
    }

    private async Task<int> FillAsync(ChannelReader<Request> reader, int n)
    {
        var deadline = _batch[0].Enqueued + (long)(MaxWait.TotalSeconds * Stopwatch.Frequency);
        while (n < _batch.Length)
        {
            if (reader.TryRead(out var r))
            {
                _batch[n++] = r;
                continue;
            }
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
                break;
            var more = WaitAsync(reader);
            // Timers count whole milliseconds: round up, or a wait under 1 ms would not wait at all.
            var delay = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency)));
            if (await Task.WhenAny(more, delay).ConfigureAwait(false) == delay)
                break;
            if (!await more.ConfigureAwait(false))
                break;
        }
        return n;
    }

    /// <summary>At most one wait is outstanding on the single-reader queue: a wait that lost a race with the batch
    /// deadline is reused by the next call instead of starting another.</summary>
    private Task<bool> WaitAsync(ChannelReader<Request> reader)
    {
        if (_pendingWait is { IsCompleted: false } pending)
            return pending;
        _pendingWait = reader.WaitToReadAsync().AsTask();
        return _pendingWait;
    }

    private void RunBatch(int n)
    {
        Interlocked.Add(ref _queued, -n);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var i = 0; i < n; i++)
                _batch[i].Row.CopyTo(_runner.Row(i));
            _runner.Run(n);
        }
        catch (Exception ex)
        {
            // One failed run is one failure of the target, however many readings shared it: the first request
            // carries the error, the others say they shared a failed batch.
            for (var i = 0; i < n; i++)
            {
                _batch[i].Completion.TrySetException(i == 0 ? ex : new SharedBatchFailedException(ex));
                _batch[i] = null!;
            }
            return;
        }
        var ended = Stopwatch.GetTimestamp();
        var run = Micros(ended - started);
        for (var i = 0; i < n; i++)
        {
            var r = _batch[i];
            r.Completion.TrySetResult(new BatchScore(_runner.Score(i), n, Micros(started - r.Enqueued), run));
            _batch[i] = null!;
        }
    }

    private static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed class Request(float[] row)
    {
        public float[] Row { get; } = row;

        public long Enqueued { get; } = Stopwatch.GetTimestamp();

        /// <summary>Completed on the batch loop: a caller's continuation runs there, inline, which saves a thread-pool hop
        /// per reading. Callers only route and record after it (never block), so the loop is not held up.</summary>
        public TaskCompletionSource<BatchScore> Completion { get; } = new(TaskCreationOptions.None);
    }
}
