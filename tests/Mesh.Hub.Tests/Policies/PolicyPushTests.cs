using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Hub.Policies;
using Mesh.Hub.Tests.Support;
using Mesh.Protocol.Policy;

namespace Mesh.Hub.Tests.Policies;

public sealed class PolicyPushTests
{
    [Fact]
    public async Task Push_ValidPolicy_Returns201AndActivatesIt()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1);

        var created = await hub.PushPolicyOkAsync(text);

        created.ShouldBe(new PolicyActivationView(TestChain.Site, 1, TestPolicies.Sha256(text), 1));
        var status = await hub.PolicyStatusAsync();
        status.Active.ShouldBe(new ActiveView(1, TestPolicies.Sha256(text), 1));
        status.Versions.Single().PushedBy.ShouldBe("alice");
    }

    [Fact]
    public async Task Push_InvalidPolicy_Returns400WithEveryErrorAndStoresNothing()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.PushPolicyAsync(TestPolicies.Invalid, file: "policies/site-a.yaml");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().ShouldBe("policy is invalid");
        var errors = body.RootElement.GetProperty("errors").EnumerateArray().ToList();
        errors.Count.ShouldBeGreaterThanOrEqualTo(2);
        errors.ShouldAllBe(e => e.GetProperty("file").GetString() == "policies/site-a.yaml");
        errors.ShouldAllBe(e => e.GetProperty("line").GetInt32() >= 1 && e.GetProperty("column").GetInt32() >= 1);
        errors.ShouldAllBe(e => e.GetProperty("message").GetString()!.Length > 0);
        var status = await hub.PolicyStatusAsync();
        status.Versions.ShouldBeEmpty();
        status.Active.ShouldBeNull();
        (await hub.HubActionsAsync()).Actions.ShouldBeEmpty();
    }

    [Fact]
    public async Task Push_SameVersionSameText_Returns200WithTheExistingRecord()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1);
        var first = await hub.PushPolicyOkAsync(text);

        using var again = await hub.PushPolicyAsync(text);

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<PolicyActivationView>()).ShouldBe(first);
        (await hub.PolicyStatusAsync()).Activations.Count.ShouldBe(1);
        (await hub.HubActionsAsync()).Actions.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Push_SameVersionOtherText_Returns409AndKeepsTheStoredOne()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1);
        await hub.PushPolicyOkAsync(text);

        using var response = await hub.PushPolicyAsync(TestPolicies.Valid(1, action: "fan-on"));

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await HubApi.ErrorOfAsync(response)).ShouldContain("at least 2");
        (await hub.PolicyStatusAsync()).Active!.Sha256.ShouldBe(TestPolicies.Sha256(text));
    }

    [Fact]
    public async Task Push_OlderVersion_Returns409NamingTheNewest()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.PushPolicyOkAsync(TestPolicies.Valid(3));

        using var response = await hub.PushPolicyAsync(TestPolicies.Valid(2));

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var error = await HubApi.ErrorOfAsync(response);
        error.ShouldContain("version 2 is not newer than version 3");
        (await hub.PolicyStatusAsync()).Versions.Select(v => v.Version).ShouldBe([3L]);
    }

    [Fact]
    public async Task Push_FileOfAnotherSite_Returns400()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.PushPolicyAsync(TestPolicies.Valid(1, site: "site-b"), site: "site-a");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await HubApi.ErrorOfAsync(response)).ShouldContain("site 'site-b'");
        (await hub.PolicyStatusAsync("site-a")).Versions.ShouldBeEmpty();
        (await hub.PolicyStatusAsync("site-b")).Versions.ShouldBeEmpty();
    }

    [Fact]
    public async Task Push_BodyNamesSomeoneElse_RecordsTheAuthenticatedPusher()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.HttpAs("bob").PostAsJsonAsync($"/api/sites/{TestChain.Site}/policies", new { text = TestPolicies.Valid(1), by = "mallory" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await hub.PolicyStatusAsync()).Versions.Single().PushedBy.ShouldBe("bob");
        var logged = (await hub.HubActionsAsync()).Actions.Single();
        (logged.Actor, logged.Detail.GetProperty("via").GetString()).ShouldBe(("bob", "token"));
    }

    [Fact]
    public async Task Push_BodyNotJson_Returns400()
    {
        await using var hub = await HubHarness.StartAsync();

        using var response = await hub.Http.PostAsync($"/api/sites/{TestChain.Site}/policies", new StringContent("site: a", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await HubApi.ErrorOfAsync(response)).ShouldContain("not the expected JSON");
    }

    [Fact]
    public async Task Push_TextOverTheFileLimit_Returns400AndStoresNothing()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = TestPolicies.Valid(1) + "# " + new string('x', SitePolicy.MaxFileBytes) + "\n";

        using var response = await hub.PushPolicyAsync(text);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<PolicyInvalidView>())!.Errors.ShouldNotBeEmpty();
        (await hub.PolicyStatusAsync()).Versions.ShouldBeEmpty();
    }

    [Fact]
    public async Task Push_BodyOverTheRequestLimit_Returns413()
    {
        await using var hub = await HubHarness.StartAsync();
        var text = new string('x', (int)PolicyApi.MaxPushBodyBytes);

        using var response = await hub.PushPolicyAsync(text);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Push_OverTheHttp11ApiPort_Works()
    {
        await using var hub = await HubHarness.StartAsync("--Hub:ApiUrl=http://127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = HubApp.GetApiAddress(hub.App) };
        hub.Authorize(http);

        using var response = await http.PostAsJsonAsync($"/api/sites/{TestChain.Site}/policies", new { text = TestPolicies.Valid(1), by = "alice" });
        var status = await http.GetFromJsonAsync<PolicyStatusView>($"/api/sites/{TestChain.Site}/policies");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Version.ShouldBe(HttpVersion.Version11);
        status!.Active!.Version.ShouldBe(1);
    }
}
