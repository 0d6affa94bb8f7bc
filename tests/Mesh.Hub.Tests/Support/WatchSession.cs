using Grpc.Core;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Support;

/// <summary>One <c>NodeControl.Watch</c> stream as a node holds it; each read waits at most 15 s. Revocation lists,
/// which every watch gets, are kept aside in <see cref="Revocations"/>: <see cref="NextAsync"/> returns the other messages.</summary>
internal sealed class WatchSession : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly AsyncServerStreamingCall<ControlMessage> _call;
    private readonly CancellationTokenSource _cancel = new();

    private WatchSession(NodeControl.NodeControlClient client, WatchRequest request) =>
        _call = client.Watch(request, cancellationToken: _cancel.Token);

    public static WatchSession Open(NodeControl.NodeControlClient client, string node = TestChain.Node, string site = TestChain.Site) =>
        new(client, new WatchRequest { NodeId = node, Site = site });

    /// <summary>The revocation lists read so far, in order.</summary>
    public List<RevocationList> Revocations { get; } = [];

    public async Task<ControlMessage> NextAsync()
    {
        while (true)
        {
            var message = await ReadAsync();
            if (message.BodyCase != ControlMessage.BodyOneofCase.Revocations)
                return message;
            Revocations.Add(message.Revocations);
        }
    }

    /// <summary>The next revocation list; fails on any other message.</summary>
    public async Task<RevocationList> NextRevocationsAsync()
    {
        var message = await ReadAsync();
        message.BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Revocations, message.ToString());
        Revocations.Add(message.Revocations);
        return message.Revocations;
    }

    private async Task<ControlMessage> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        if (!await _call.ResponseStream.MoveNext(timeout.Token))
            throw new InvalidOperationException("the hub ended the watch stream");
        return _call.ResponseStream.Current;
    }

    public async Task<PolicyUpdate> NextPolicyAsync()
    {
        var message = await NextAsync();
        message.BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Policy, message.ToString());
        return message.Policy;
    }

    public async Task<ApprovalDecision> NextDecisionAsync()
    {
        var message = await NextAsync();
        message.BodyCase.ShouldBe(ControlMessage.BodyOneofCase.Approval, message.ToString());
        return message.Approval;
    }

    /// <summary>Reads until the stream fails and returns the failure.</summary>
    public async Task<RpcException> FailureAsync()
    {
        return await Should.ThrowAsync<RpcException>(async () =>
        {
            while (true)
                await NextAsync();
        });
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _call.Dispose();
        _cancel.Dispose();
    }
}
