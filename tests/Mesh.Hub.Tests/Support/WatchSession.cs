using Grpc.Core;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Tests.Support;

/// <summary>One <c>NodeControl.Watch</c> stream as a node holds it; each read waits at most 15 s.</summary>
internal sealed class WatchSession : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly AsyncServerStreamingCall<ControlMessage> _call;
    private readonly CancellationTokenSource _cancel = new();

    private WatchSession(NodeControl.NodeControlClient client, WatchRequest request) =>
        _call = client.Watch(request, cancellationToken: _cancel.Token);

    public static WatchSession Open(NodeControl.NodeControlClient client, string node = TestChain.Node, string site = TestChain.Site) =>
        new(client, new WatchRequest { NodeId = node, Site = site });

    public async Task<ControlMessage> NextAsync()
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
