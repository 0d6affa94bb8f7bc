using Mesh.EndToEnd.Tests.Support;
using Mesh.Hub.Access;

namespace Mesh.EndToEnd.Tests;

/// <summary><c>mesh access</c> and the hub commands' token handling, through the real <c>mesh</c> executable.</summary>
public sealed class AccessCliTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HashPassword_FromStdin_PrintsAHashThatVerifiesThePassword()
    {
        var cli = await MeshCli.RunWithInputAsync(Deadline, "correct horse battery staple\n", "access", "hash-password");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        var hash = cli.Stdout.Trim();
        hash.ShouldStartWith("pbkdf2-sha256$600000$");
        PasswordHash.Verify("correct horse battery staple", hash).ShouldBeTrue();
        PasswordHash.Verify("correct horse battery stapler", hash).ShouldBeFalse();
        cli.Stdout.ShouldNotContain("correct horse");
    }

    [Fact]
    public async Task HashPassword_TooShort_RefusedAndNothingPrinted()
    {
        var cli = await MeshCli.RunWithInputAsync(Deadline, "short\n", "access", "hash-password");

        cli.ExitCode.ShouldBe(1, cli.ToString());
        cli.Stdout.ShouldBeEmpty();
        cli.Stderr.ShouldContain("12-1024 characters");
    }

    [Fact]
    public async Task Token_PrintsTheTokenOnceAndItsConfigurationLines()
    {
        var cli = await MeshCli.RunAsync(Deadline, "access", "token", "--name", "ci-deploy", "--role", "operator", "--index", "3");

        cli.ExitCode.ShouldBe(0, cli.ToString());
        var token = cli.Stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ApiToken.Prefix, StringComparison.Ordinal));
        cli.Stdout.ShouldContain("Hub:Access:Tokens:3:Name=ci-deploy");
        cli.Stdout.ShouldContain("Hub:Access:Tokens:3:Role=operator");
        cli.Stdout.ShouldContain($"Hub:Access:Tokens:3:Sha256={ApiToken.Sha256Hex(token)}");
    }

    [Fact]
    public async Task HubCommand_WithoutToken_401SaysHowToPassOne()
    {
        var cli = await MeshCli.RunAsync(Deadline, "approvals", "list", "--hub", fixture.Hub.Address.ToString());

        cli.ExitCode.ShouldBe(1, cli.ToString());
        cli.Stderr.ShouldContain("401");
        cli.Stderr.ShouldContain("--token");
        cli.Stderr.ShouldContain("MESH_HUB_TOKEN");
    }

    [Fact]
    public async Task HubCommand_OperatorTokenPushesPolicy_403SaysTheRoleIsMissing()
    {
        var file = fixture.Dir.Sub("acc-a.yaml");
        await File.WriteAllTextAsync(file, "site: acc-a\nversion: 1\nrules:\n  - id: hot\n    when: { metric: temperature, gt: 30 }\n    action: cooling-on\n");

        var cli = await MeshCli.RunAsync(Deadline, "policy", "push", file, "--hub", fixture.Hub.Address.ToString(), "--token", fixture.Hub.TokenOf("alice"));

        cli.ExitCode.ShouldBe(1, cli.ToString());
        cli.Stderr.ShouldContain("403");
        cli.Stderr.ShouldContain("admin");
        (await Support.HubApi.PolicyStatusAsync(fixture.Http, "acc-a")).GetProperty("versions").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task HubCommand_TokenFromTheEnvironment_Sent()
    {
        var cli = await MeshCli.RunWithHubTokenAsync(Deadline, fixture.Hub.TokenOf("bob"), "approvals", "list", "--hub", fixture.Hub.Address.ToString(), "--state", "all");

        cli.ExitCode.ShouldBe(0, cli.ToString());
    }

    [Fact]
    public async Task HubCommand_AdminToken_AuditVerifyReadsTheHub()
    {
        var cli = await MeshCli.RunAsync(Deadline, "audit", "verify", "--hub", fixture.Hub.Address.ToString(), "--token", fixture.Hub.AdminToken);

        cli.ExitCode.ShouldBe(0, cli.ToString());
    }
}
