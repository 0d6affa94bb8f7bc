using Mesh.Hub.Sync;

namespace Mesh.Hub.Tests.Sync;

public sealed class NodeLeasesTests
{
    [Fact]
    public async Task Acquire_HeldByOlderStream_CancelsItAndWaitsForItsRelease()
    {
        var leases = new NodeLeases();
        var older = await leases.AcquireAsync("edge-1", CancellationToken.None);

        var newer = leases.AcquireAsync("edge-1", CancellationToken.None);

        older.Superseded.IsCancellationRequested.ShouldBeTrue();
        newer.IsCompleted.ShouldBeFalse();
        older.Dispose();
        using var lease = await newer.WaitAsync(TimeSpan.FromSeconds(10));
        lease.Superseded.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task Acquire_WaiterSupersededByAnEvenNewerOne_ThrowsAndTheNewestGetsIt()
    {
        var leases = new NodeLeases();
        var holder = await leases.AcquireAsync("edge-1", CancellationToken.None);
        var waiter = leases.AcquireAsync("edge-1", CancellationToken.None);

        var newest = leases.AcquireAsync("edge-1", CancellationToken.None);

        await Should.ThrowAsync<OperationCanceledException>(() => waiter.WaitAsync(TimeSpan.FromSeconds(10)));
        holder.Dispose();
        using var lease = await newest.WaitAsync(TimeSpan.FromSeconds(10));
        lease.Superseded.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task Acquire_OtherNode_DoesNotWaitOrCancel()
    {
        var leases = new NodeLeases();
        using var a = await leases.AcquireAsync("edge-a", CancellationToken.None);

        using var b = await leases.AcquireAsync("edge-b", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        a.Superseded.IsCancellationRequested.ShouldBeFalse();
        b.Superseded.IsCancellationRequested.ShouldBeFalse();
    }
}
