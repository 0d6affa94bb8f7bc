using System.Security.Cryptography;
using Grpc.Core;
using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Sync;

/// <summary>Signed checkpoints over real loopback gRPC: a good one is stored and pins the node's key; a forged one or one
/// signed by another key is refused whole with its reason, stores nothing, and the hub keeps serving.</summary>
public sealed class CheckpointSyncTests : IDisposable
{
    private readonly ECDsa _nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private string NodeFingerprint => NodePublicKey.Fingerprint(_nodeKey.ExportSubjectPublicKeyInfo());

    private static HubStore Store(HubHarness hub) => hub.App.Services.GetRequiredService<HubStore>();

    [Fact]
    public async Task Checkpoint_FirstSeen_AcceptedAndItsKeyPinned()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(5);
        chain.AppendCheckpoint(_nodeKey);
        await using var session = await SyncSession.StartAsync(hub.Client);

        (await session.SendAsync(chain.Range(1, 6))).AckedSeq.ShouldBe(6UL);

        var pinned = Store(hub).FindNodeKey(TestChain.Node).ShouldNotBeNull();
        (pinned.Fingerprint, pinned.Source, pinned.CheckpointSeq).ShouldBe((NodeFingerprint, StoredNodeKey.FirstUse, (long?)6));
        var summary = await hub.NodeAsync();
        summary.KeyFingerprint.ShouldBe(NodeFingerprint);
        summary.PublicKey.ShouldBe(Convert.ToBase64String(_nodeKey.ExportSubjectPublicKeyInfo()));
        summary.LastCheckpointSeq.ShouldBe(6);
    }

    [Fact]
    public async Task Checkpoint_SignedByAnotherKeyThanThePinnedOne_RefusedAndNothingStoredAlsoAfterARestart()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(5);
        chain.AppendCheckpoint(_nodeKey);
        chain.Next(3);
        chain.AppendCheckpoint(_otherKey);
        await using (var session = await SyncSession.StartAsync(hub.Client))
            (await session.SendAsync(chain.Range(1, 6))).AckedSeq.ShouldBe(6UL);
        await hub.RestartAsync();

        await using (var session = await SyncSession.StartAsync(hub.Client))
        {
            var ex = await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Range(7, 10)), StatusCode.PermissionDenied, "CheckpointKeyMismatch", 10);
            ex.Status.Detail.ShouldStartWith($"node {TestChain.Node}: CheckpointKeyMismatch at sequence 10: replaced journal: checkpoints signed by key ");
            ex.Status.Detail.ShouldContain($"expected {NodeFingerprint[..16]} (the key the hub pinned for this node)");
        }

        (await hub.NodeAsync()).LastSeq.ShouldBe(6);
        Store(hub).FindNodeKey(TestChain.Node)!.Fingerprint.ShouldBe(NodeFingerprint);
        hub.Logs.Entries.ShouldContain(e => e.EventId.Id == 14 && e.Message.Contains("CheckpointKeyMismatch"));
    }

    [Fact]
    public async Task Checkpoint_SignatureDoesNotVerify_RefusedAsBadCheckpointAndNoKeyPinned()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(5);
        // A checkpoint over the right head whose signature was altered afterwards.
        chain.Append(r =>
        {
            var honest = AuditCheckpoint.CreateRecord(r.NodeId, r.Site, r.Hlc, new ChainHead(5, r.PreviousHash), _nodeKey.ExportSubjectPublicKeyInfo(),
                data => _nodeKey.SignData(data, HashAlgorithmName.SHA256), 1000);
            var body = AuditCheckpoint.Read(honest, out _)!;
            var signature = Convert.FromBase64String(body.Signature);
            signature[10] ^= 0xFF;
            return honest with { Body = System.Text.Json.JsonSerializer.Serialize(body with { Signature = Convert.ToBase64String(signature) }) };
        });
        chain.Next(2);
        await using (var session = await SyncSession.StartAsync(hub.Client))
        {
            var ex = await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Range(1, 8)), StatusCode.InvalidArgument, "BadCheckpoint", 6);
            ex.Status.Detail.ShouldBe($"node {TestChain.Node}: BadCheckpoint at sequence 6: forged record at seq 6: the checkpoint's signature (64 bytes) does not verify with the key it carries ({NodeFingerprint[..16]})");
        }

        Store(hub).FindNode(TestChain.Node)!.LastSeq.ShouldBe(0);
        Store(hub).FindNodeKey(TestChain.Node).ShouldBeNull();
        await using var retry = await SyncSession.StartAsync(hub.Client);
        (await retry.SendAsync(chain.Range(1, 5))).AckedSeq.ShouldBe(5UL);
    }

    [Fact]
    public async Task Checkpoint_KeyRegisteredBeforehand_OnlyThatKeyIsAccepted()
    {
        await using var hub = await HubHarness.StartAsync();
        Store(hub).RegisterNodeKey(TestChain.Node, _otherKey.ExportSubjectPublicKeyInfo(), DateTime.UtcNow);
        var chain = new TestChain();
        chain.Next(2);
        chain.AppendCheckpoint(_nodeKey);

        await using (var session = await SyncSession.StartAsync(hub.Client))
            await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Range(1, 3)), StatusCode.PermissionDenied, "CheckpointKeyMismatch", 3);
        var signedRight = new TestChain();
        signedRight.Next(2);
        signedRight.AppendCheckpoint(_otherKey);
        await using (var session = await SyncSession.StartAsync(hub.Client))
            (await session.SendAsync(signedRight.Range(1, 3))).AckedSeq.ShouldBe(3UL);

        var pinned = Store(hub).FindNodeKey(TestChain.Node)!;
        (pinned.Source, pinned.CheckpointSeq).ShouldBe((StoredNodeKey.Registered, (long?)3));
    }

    [Fact]
    public async Task Checkpoints_TwoKeysInOneBatchOfAnUnpinnedNode_RefusedAtTheSecondKey()
    {
        await using var hub = await HubHarness.StartAsync();
        var chain = new TestChain();
        chain.Next(2);
        chain.AppendCheckpoint(_nodeKey);
        chain.Next(2);
        chain.AppendCheckpoint(_otherKey);
        await using var session = await SyncSession.StartAsync(hub.Client);

        await RpcAssert.RefusedAsync(() => session.SendAsync(chain.Range(1, 6)), StatusCode.PermissionDenied, "CheckpointKeyMismatch", 6);

        Store(hub).FindNodeKey(TestChain.Node).ShouldBeNull();
    }

    public void Dispose()
    {
        _nodeKey.Dispose();
        _otherKey.Dispose();
    }
}
