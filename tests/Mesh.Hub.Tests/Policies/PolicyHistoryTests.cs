using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Hub.Policies;
using Mesh.Hub.Tests.Support;

namespace Mesh.Hub.Tests.Policies;

public sealed class PolicyHistoryTests
{
    [Fact]
    public async Task Status_TwoPushes_ListsVersionsNewestFirstAndActivationsInOrder()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        var second = await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        var status = await hub.PolicyStatusAsync();

        second.Activation.ShouldBe(2);
        status.Site.ShouldBe(TestChain.Site);
        status.Active.ShouldBe(new ActiveView(2, second.Sha256, 2));
        status.Versions.Select(v => (v.Version, v.Active)).ShouldBe([(2L, true), (1L, false)]);
        status.Activations.Select(a => (a.Activation, a.Version, a.Rollback)).ShouldBe([(1L, 1L, false), (2L, 2L, false)]);
        status.Activations.ShouldAllBe(a => a.By == "alice" && a.At.EndsWith('Z'));
    }

    [Fact]
    public async Task Status_JsonFields_AreCamelCaseWithActiveNullWhenNone()
    {
        await using var hub = await HubHarness.StartAsync();

        using var body = JsonDocument.Parse(await hub.Http.GetStringAsync($"/api/sites/{TestChain.Site}/policies"));

        var root = body.RootElement;
        root.GetProperty("site").GetString().ShouldBe(TestChain.Site);
        root.GetProperty("active").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("versions").GetArrayLength().ShouldBe(0);
        root.GetProperty("activations").GetArrayLength().ShouldBe(0);
        root.GetProperty("nodes").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task GetVersion_Stored_ReturnsTextAndMetadata()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1);
        await hub.PushPolicyOkAsync(text);
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        var detail = await hub.Http.GetFromJsonAsync<PolicyDetailView>($"/api/sites/{TestChain.Site}/policies/1");

        detail!.Text.ShouldBe(text);
        detail.Sha256.ShouldBe(TestPolicies.Sha256(text));
        detail.PushedBy.ShouldBe("alice");
        detail.File.ShouldBe($"policies/{TestChain.Site}.yaml");
        detail.Active.ShouldBeFalse();
    }

    [Theory]
    [InlineData("9", HttpStatusCode.NotFound)]
    [InlineData("abc", HttpStatusCode.BadRequest)]
    public async Task GetVersion_Unknown_ReturnsJsonError(string version, HttpStatusCode expected)
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));

        using var response = await hub.Http.GetAsync($"/api/sites/{TestChain.Site}/policies/{version}");

        response.StatusCode.ShouldBe(expected);
        (await HubApi.ErrorOfAsync(response)).ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Rollback_StoredVersion_IsANewActivationMarkedRollback()
    {
        await using var hub = await HubHarness.StartAsync();
        var first = await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        using var response = await hub.RollbackAsync(1, comment: "v2 floods the coolers");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<PolicyActivationView>()).ShouldBe(first with { Activation = 3 });
        var status = await hub.PolicyStatusAsync();
        status.Active.ShouldBe(new ActiveView(1, first.Sha256, 3));
        var last = status.Activations[^1];
        (last.Activation, last.Version, last.Rollback, last.By, last.Comment).ShouldBe((3L, 1L, true, "bob", "v2 floods the coolers"));
        status.Versions.Select(v => (v.Version, v.Active)).ShouldBe([(2L, false), (1L, true)]);
    }

    [Fact]
    public async Task Rollback_UnknownVersion_Returns404()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));

        using var response = await hub.RollbackAsync(7);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await HubApi.ErrorOfAsync(response)).ShouldContain("no policy version 7");
        (await hub.PolicyStatusAsync()).Activations.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Push_AfterRollback_StillNeedsANewerVersion()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));
        (await hub.RollbackAsync(1)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var stale = await hub.PushPolicyAsync(TestPolicies.Valid(2, action: "fan-on"));
        var third = await hub.PushPolicyOkAsync(TestPolicies.Valid(3));

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        third.Activation.ShouldBe(4);
    }

    [Fact]
    public async Task Restart_SameDatabase_KeepsVersionsAndActivations()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(1));
        await hub.PushPolicyOkAsync(TestPolicies.Valid(2));

        await hub.RestartAsync();

        var status = await hub.PolicyStatusAsync();
        status.Active!.Activation.ShouldBe(2);
        (await hub.PushPolicyOkAsync(TestPolicies.Valid(3))).Activation.ShouldBe(3);
    }
}
