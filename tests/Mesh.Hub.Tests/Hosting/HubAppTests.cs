using System.Net;
using Mesh.Hub.Tests.Support;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Tests.Hosting;

public sealed class HubAppTests
{
    [Fact]
    public async Task MainAddress_PortZero_ServesGrpcAndJsonOnTheSamePort()
    {
        await using var hub = await HubHarness.StartAsync();
        await using var session = await SyncSession.StartAsync(hub.Client);

        var health = await hub.Http.GetStringAsync("/healthz");

        hub.Address.Host.ShouldBe("127.0.0.1");
        hub.Address.Port.ShouldNotBe(0);
        hub.Http.BaseAddress.ShouldBe(hub.Address);
        health.ShouldBe("ok");
        session.HelloAck.AckedSeq.ShouldBe(0UL);
    }

    [Fact]
    public async Task ApiUrl_Set_ServesJsonOverHttp11OnASecondPort()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:ApiUrl=http://127.0.0.1:0");
        var api = HubApp.GetApiAddress(hub.App);
        using var http = new HttpClient { BaseAddress = api };
        hub.Authorize(http);

        using var response = await http.GetAsync("/api/nodes");

        api.ShouldNotBeNull();
        api.Port.ShouldNotBe(hub.Address.Port);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Version.ShouldBe(HttpVersion.Version11);
        (await response.Content.ReadAsStringAsync()).ShouldBe("[]");
    }

    [Fact]
    public async Task ApiUrl_NotSet_IsNull()
    {
        await using var hub = await HubHarness.StartAsync();

        HubApp.GetApiAddress(hub.App).ShouldBeNull();
    }

    [Theory]
    [InlineData("--Hub:Url=http://10.1.2.3:5080", "Hub:Url")]
    [InlineData("--Hub:Url=https://127.0.0.1:5080", "Hub:Url")]
    [InlineData("--Hub:MaxBatchRecords=0", "Hub:MaxBatchRecords")]
    [InlineData("--Hub:WatchQueueCapacity=0", "Hub:WatchQueueCapacity")]
    [InlineData("--Hub:DataPath= ", "Hub:DataPath")]
    [InlineData("--Hub:ApiUrl=http://example.com:80", "Hub:ApiUrl")]
    public void Build_InvalidOption_ThrowsNamingTheKey(string arg, string key)
    {
        var ex = Should.Throw<OptionsValidationException>(() => HubApp.Build([$"--Hub:DataPath={Path.GetTempPath()}/never-created.db", arg]));

        ex.Message.ShouldContain(key);
    }

    [Fact]
    public void Build_DataPathUnusable_ThrowsHubStorageException()
    {
        var file = Path.GetTempFileName();
        try
        {
            var ex = Should.Throw<HubStorageException>(() => HubApp.Build([$"--Hub:DataPath={file}/hub.db"]));

            ex.Message.ShouldContain(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
