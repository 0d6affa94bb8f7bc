using Mesh.Hub.Storage;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Audit;

namespace Mesh.Hub.Tests.Storage;

public abstract partial class HubStoreContract
{
    [Fact]
    public void Touch_ProfileAndVersion_KeptAcrossAppendsAndReopenAndKeptWhenAHelloOmitsThem()
    {
        var chain = new TestChain(_node, _site);
        chain.Next(3);
        using (var store = Open())
        {
            store.Touch(_node, _site, 3, DateTime.UtcNow, "jetson-orin-nano", "0.6.0");
            store.Append(_node, _site, ChainHead.Genesis, ToStore(chain.Range(1, 3)), 3, DateTime.UtcNow);
            store.Touch(_node, _site, 3, DateTime.UtcNow);
            (store.FindNode(_node)!.Profile, store.FindNode(_node)!.Version).ShouldBe(("jetson-orin-nano", "0.6.0"));
        }
        using (var reopened = Open())
        {
            var node = reopened.FindNode(_node)!;
            (node.Profile, node.Version, node.LastSeq).ShouldBe(("jetson-orin-nano", "0.6.0", 3L));
            reopened.Touch(_node, _site, 3, DateTime.UtcNow, "generic-x64-cpu", "0.7.0");
        }
        using var again = Open();
        (again.FindNode(_node)!.Profile, again.FindNode(_node)!.Version).ShouldBe(("generic-x64-cpu", "0.7.0"));
    }
}
