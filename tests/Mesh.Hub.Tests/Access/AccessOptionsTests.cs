using Mesh.Hub.Access;
using Microsoft.Extensions.Options;

namespace Mesh.Hub.Tests.Access;

public sealed class AccessOptionsTests
{
    private static readonly Lazy<string> Hash = new(() => PasswordHash.Create("a long enough password"));

    [Theory]
    [InlineData("Users:0:Role=root", "Hub:Access:Users:0:Role: 'root' is not a role")]
    [InlineData("Users:0:PasswordHash=secret", "Hub:Access:Users:0:PasswordHash: is not 'pbkdf2-sha256$")]
    [InlineData("Users:0:Name=two words", "Hub:Access:Users:0:Name: 'two words' is not a user name")]
    [InlineData("Users:1:Name=ALICE", "Hub:Access:Users:1:Name: 'ALICE' is already the name of user 0")]
    [InlineData("Tokens:0:Sha256=abc", "Hub:Access:Tokens:0:Sha256: is not 64 hex digits")]
    [InlineData("Tokens:0:Role=", "Hub:Access:Tokens:0:Role: '' is not a role")]
    [InlineData("Lockout:MaxFailures=0", "Hub:Access:Lockout:MaxFailures: 0 is outside 1..100")]
    [InlineData("SessionIdleTimeout=00:00:10", "Hub:Access:SessionIdleTimeout: 00:00:10 is outside")]
    [InlineData("Oidc:Authority=http://idp.example", "Hub:Access:Oidc:Authority: 'http://idp.example' is not an https:// issuer URL")]
    [InlineData("Oidc:Authority=https://idp.example", "Hub:Access:Oidc:ClientId: is required")]
    [InlineData("TrustedProxies:0=proxy.local", "Hub:Access:TrustedProxies:0: 'proxy.local' is not an IP address")]
    public void Build_BadAccessSetting_RefusedNamingTheKeyAndReason(string setting, string message)
    {
        string[] args =
        [
            $"--Hub:DataPath={Path.GetTempPath()}/never-created.db",
            "--Hub:Access:Users:0:Name=alice", "--Hub:Access:Users:0:Role=admin", $"--Hub:Access:Users:0:PasswordHash={Hash.Value}",
            "--Hub:Access:Users:1:Name=bob", "--Hub:Access:Users:1:Role=viewer", $"--Hub:Access:Users:1:PasswordHash={Hash.Value}",
            "--Hub:Access:Tokens:0:Name=ci", "--Hub:Access:Tokens:0:Role=admin", $"--Hub:Access:Tokens:0:Sha256={ApiToken.Sha256Hex("x")}",
            "--Hub:Access:" + setting,
        ];

        var ex = Should.Throw<OptionsValidationException>(() => HubApp.Build(args));

        ex.Message.ShouldContain(message);
        ex.Message.ShouldNotContain(Hash.Value, Case.Sensitive, "a failure never repeats a secret");
    }

    [Fact]
    public void Build_SameTokenTwice_Refused()
    {
        var sha = ApiToken.Sha256Hex("same");
        var ex = Should.Throw<OptionsValidationException>(() => HubApp.Build([
            $"--Hub:DataPath={Path.GetTempPath()}/never-created.db",
            "--Hub:Access:Tokens:0:Name=a", "--Hub:Access:Tokens:0:Role=admin", $"--Hub:Access:Tokens:0:Sha256={sha}",
            "--Hub:Access:Tokens:1:Name=b", "--Hub:Access:Tokens:1:Role=viewer", $"--Hub:Access:Tokens:1:Sha256={sha.ToUpperInvariant()}",
        ]));

        ex.Message.ShouldContain("Hub:Access:Tokens:1:Sha256: the same token as Hub:Access:Tokens:0");
    }
}
