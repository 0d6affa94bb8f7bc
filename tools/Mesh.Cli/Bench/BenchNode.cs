using System.Diagnostics;
using Grpc.Core;
using Mesh.Node.Sync;
using Mesh.Protocol.Grpc;

namespace Mesh.Cli.Bench;

/// <summary>
/// One simulated node of <c>mesh bench hub</c>: streams its prepared chain over its own gRPC connection the way a node
/// does (hello, resume from the hub's ack, batches with a window in flight) and measures each batch's ack latency.
/// Shed by the hub, it waits the hub's retry-after hint (plus up to 20 %, as a node does) and tries again.
/// </summary>
internal sealed class BenchNode(string nodeId, string site, AuditRecordEnvelope[] chain, int batchSize, int inFlight, HubBenchCounters counters)
{
    private long _acked;

    public async Task RunAsync(AuditSync.AuditSyncClient client, CancellationToken ct)
    {
        var failures = 0;
        while (Interlocked.Read(ref _acked) < chain.Length)
        {
            ct.ThrowIfCancellationRequested();
            counters.SessionOpened();
            try
            {
                await SessionAsync(client, ct).ConfigureAwait(false);
                failures = 0;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && !ct.IsCancellationRequested)
            {
                counters.Shed();
                var hint = ReconnectDelay.HubRetryAfter(ex) ?? TimeSpan.FromSeconds(1);
                await Task.Delay(hint + hint * (0.2 * Random.Shared.NextDouble()), ct).ConfigureAwait(false);
            }
            catch (RpcException) when (!ct.IsCancellationRequested)
            {
                counters.Failed();
                await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(1 << Math.Min(failures++, 6), 50)), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task SessionAsync(AuditSync.AuditSyncClient client, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.Sync(cancellationToken: session.Token);
        await call.RequestStream.WriteAsync(new NodeMessage
        {
            Hello = new SyncHello { NodeId = nodeId, Site = site, LastAckedSeq = (ulong)Interlocked.Read(ref _acked), HeadSeq = (ulong)chain.Length },
        }, ct).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) || call.ResponseStream.Current.Ack is not { } hello)
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub ended the stream without acknowledging the hello"));
        Acked((long)hello.AckedSeq);

        var window = new SemaphoreSlim(inFlight, inFlight);
        var pending = new Queue<(long End, long Started)>();
        var acks = ReadAcksAsync(call.ResponseStream, window, pending, session.Token);
        var ended = false;
        try
        {
            var sent = Interlocked.Read(ref _acked);
            while (sent < chain.Length)
            {
                var slot = window.WaitAsync(session.Token);
                if (await Task.WhenAny(slot, acks).ConfigureAwait(false) == acks)
                    break;
                var end = (int)Math.Min(sent + batchSize, chain.Length);
                var batch = new AuditBatch { HeadSeq = (ulong)chain.Length };
                batch.Records.Add(chain.AsSpan((int)sent, end - (int)sent).ToArray());
                lock (pending)
                    pending.Enqueue((end, Stopwatch.GetTimestamp()));
                await call.RequestStream.WriteAsync(new NodeMessage { Batch = batch }, ct).ConfigureAwait(false);
                sent = end;
            }
            await acks.ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            // Let the hub end the call first: it then sees an orderly end, not a reset.
            while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
            {
            }
            ended = true;
        }
        finally
        {
            if (!ended)
                await session.CancelAsync().ConfigureAwait(false);
            try { await acks.ConfigureAwait(false); } catch (Exception) when (session.IsCancellationRequested) { }
        }
    }

    /// <summary>Settles sent batches as acks cover them; returns once the whole chain is acknowledged.</summary>
    private async Task ReadAcksAsync(IAsyncStreamReader<HubMessage> responses, SemaphoreSlim window, Queue<(long End, long Started)> pending, CancellationToken ct)
    {
        while (Interlocked.Read(ref _acked) < chain.Length)
        {
            if (!await responses.MoveNext(ct).ConfigureAwait(false))
                throw new RpcException(new Status(StatusCode.Unavailable, "the hub ended the sync stream"));
            if (responses.Current.Ack is not { } ack)
                continue;
            var seq = (long)ack.AckedSeq;
            lock (pending)
            {
                while (pending.Count > 0 && pending.Peek().End <= seq)
                {
                    counters.BatchAcked(Stopwatch.GetElapsedTime(pending.Dequeue().Started));
                    window.Release();
                }
            }
            Acked(seq);
        }
    }

    /// <summary>One session at a time per node, and in it one reader: a single writer.</summary>
    private void Acked(long seq)
    {
        var before = Interlocked.Read(ref _acked);
        if (seq <= before)
            return;
        Interlocked.Exchange(ref _acked, seq);
        counters.Stored(seq - before);
    }
}
