using Mesh.Hub.Access;

namespace Mesh.Hub.Tests.Support;

/// <summary>Console users and API tokens of each role for access tests, as <c>Hub:Access</c> arguments. Hashing a password
/// costs PBKDF2's 600,000 iterations, so each hash is made once per test run.</summary>
internal static class TestAccess
{
    public sealed record User(string Name, string Role, string Password);

    public sealed record Token(string Name, string Role, string Value);

    public static readonly User Viewer = new("vera", AccessRoles.Viewer, "vera-password-1");
    public static readonly User Operator = new("otto", AccessRoles.Operator, "otto-password-2");
    public static readonly User Admin = new("ada", AccessRoles.Admin, "ada-password-3");
    public static readonly IReadOnlyList<User> Users = [Viewer, Operator, Admin];

    /// <summary>Tokens from index 10 (the harness's own admin tokens take 0..3).</summary>
    public static readonly IReadOnlyList<Token> Tokens =
    [
        new("viewer-token", AccessRoles.Viewer, ApiToken.New()),
        new("operator-token", AccessRoles.Operator, ApiToken.New()),
        new("admin-token", AccessRoles.Admin, ApiToken.New()),
    ];

    private static readonly Lazy<string[]> Hashes = new(() => [.. Users.AsParallel().AsOrdered().Select(u => PasswordHash.Create(u.Password))]);

    public static string[] Args(params string[] more) =>
    [
        .. Users.SelectMany((u, i) => new[]
        {
            $"--Hub:Access:Users:{i}:Name={u.Name}", $"--Hub:Access:Users:{i}:Role={u.Role}", $"--Hub:Access:Users:{i}:PasswordHash={Hashes.Value[i]}",
        }),
        .. Tokens.SelectMany((t, i) => new[]
        {
            $"--Hub:Access:Tokens:{i + 10}:Name={t.Name}", $"--Hub:Access:Tokens:{i + 10}:Role={t.Role}", $"--Hub:Access:Tokens:{i + 10}:Sha256={ApiToken.Sha256Hex(t.Value)}",
        }),
        .. more,
    ];

    /// <summary>An HTTP/2 client of the hub that sends <paramref name="token"/>.</summary>
    public static HttpClient TokenClient(Uri address, string token)
    {
        var http = HubApp.CreateHttpClient(address);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
