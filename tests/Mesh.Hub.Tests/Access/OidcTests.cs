using Mesh.Hub.Access;
using Mesh.Hub.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Hub.Tests.Access;

public sealed class OidcTests
{
    private static readonly Dictionary<string, string> Map = new(StringComparer.Ordinal)
    {
        ["fleet-viewers"] = "viewer",
        ["fleet-ops"] = "operator",
        ["Fleet Admins"] = "admin",
    };

    [Theory]
    [InlineData(new[] { "fleet-viewers" }, AccessRole.Viewer)]
    [InlineData(new[] { "fleet-viewers", "fleet-ops" }, AccessRole.Operator)]
    [InlineData(new[] { "Fleet Admins", "fleet-viewers" }, AccessRole.Admin)]
    [InlineData(new[] { "[\"fleet-ops\",\"other\"]" }, AccessRole.Operator)]
    [InlineData(new[] { "fleet-admins" }, null)]
    [InlineData(new[] { "other", "" }, null)]
    [InlineData(new string[0], null)]
    public void Map_Groups_HighestMappedRoleOrNone(string[] groups, AccessRole? role)
    {
        OidcRoleMapping.Map(groups, Map).ShouldBe(role);
    }

    [Fact]
    public async Task Hub_OidcConfigured_SchemeRegisteredAndLoginPageOffersIt()
    {
        await using var hub = await HubHarness.StartAsync(
            "--Hub:Access:Oidc:Authority=https://idp.example/realms/fleet", "--Hub:Access:Oidc:ClientId=mesh-hub",
            "--Hub:Access:Oidc:RoleMap:fleet-ops=operator");
        using var browser = new ConsoleSession(hub.Address);

        var scheme = await hub.App.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OidcSetup.Scheme);
        var page = await browser.Http.GetStringAsync("/login");

        scheme.ShouldNotBeNull();
        page.ShouldContain("/login/oidc");
    }

    [Fact]
    public async Task Hub_OidcNotConfigured_NoSchemeNoLink()
    {
        await using var hub = await HubHarness.StartAsync();
        using var browser = new ConsoleSession(hub.Address);

        var scheme = await hub.App.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OidcSetup.Scheme);
        var page = await browser.Http.GetStringAsync("/login");

        scheme.ShouldBeNull();
        page.ShouldNotContain("/login/oidc");
    }
}
