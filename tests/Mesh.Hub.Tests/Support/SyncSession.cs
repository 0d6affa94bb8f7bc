using Grpc.Core;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Support;

/// <summary>One <c>AuditSync.Sync</c> stream as a node drives it: hello, then batches, each answered by an ack.</summary>
internal sealed class SyncSession : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly AsyncDuplexStreamingCall<NodeMessage, HubMessage> _call;

    private SyncSession(AsyncDuplexStreamingCall<NodeMessage, HubMessage> call) => _call = call;

    public static SyncSession Open(AuditSync.AuditSyncClient client) => new(client.Sync());

    /// <summary>The ack that answered the hello of <see cref="StartAsync"/>.</summary>
    public SyncAck HelloAck { get; private set; } = new();

    /// <summary>Opens a stream and says hello; <see cref="HelloAck"/> holds the hub's answer.</summary>
    public static async Task<SyncSession> StartAsync(
        AuditSync.AuditSyncClient client, string node = TestChain.Node, string site = TestChain.Site, ulong lastAcked = 0, ulong headSeq = 0)
    {
        var session = Open(client);
        session.HelloAck = await session.HelloAsync(node, site, lastAcked, headSeq);
        return session;
    }

    public Task<SyncAck> HelloAsync(string node = TestChain.Node, string site = TestChain.Site, ulong lastAcked = 0, ulong headSeq = 0) =>
        SendAsync(new NodeMessage { Hello = new SyncHello { NodeId = node, Site = site, LastAckedSeq = lastAcked, HeadSeq = headSeq } });

    public Task<SyncAck> SendAsync(IEnumerable<AuditRecord> records, ulong headSeq = 0) =>
        SendAsync(records.Select(TestChain.Envelope), headSeq);

    public Task<SyncAck> SendAsync(IEnumerable<AuditRecordEnvelope> envelopes, ulong headSeq = 0)
    {
        var batch = new AuditBatch { HeadSeq = headSeq };
        batch.Records.AddRange(envelopes);
        return SendAsync(new NodeMessage { Batch = batch });
    }

    public async Task<SyncAck> SendAsync(NodeMessage message)
    {
        await _call.RequestStream.WriteAsync(message);
        return await NextAckAsync();
    }

    public async Task<SyncAck> NextAckAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        if (!await _call.ResponseStream.MoveNext(timeout.Token))
            throw new InvalidOperationException("the hub ended the stream without an ack");
        var message = _call.ResponseStream.Current;
        message.BodyCase.ShouldBe(HubMessage.BodyOneofCase.Ack);
        return message.Ack;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
            }
        }
        catch (RpcException)
        {
            // The stream already ended with an error the test has seen.
        }
        catch (InvalidOperationException)
        {
            // The call already completed.
        }
        _call.Dispose();
    }
}
