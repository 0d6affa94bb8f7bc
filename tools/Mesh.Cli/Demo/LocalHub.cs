using Mesh.Hub;
using Mesh.Hub.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mesh.Cli.Demo;

/// <summary>
/// A hub started in this process on a loopback port (the demo, the benchmark and end-to-end tests use it), with
/// access configured for its callers: an admin API token for <see cref="Http"/>, an operator token per name in
/// <see cref="LocalHubAccess.Operators"/>, and, with <see cref="LocalHubAccess.ConsoleAdmin"/>, a console user with a
/// generated password on an HTTP/1.1 port a browser can open.
/// </summary>
public sealed class LocalHub : IAsyncDisposable
{
    /// <summary>The name of the admin token behind <see cref="Http"/>; the hub's action log names it.</summary>
    public const string AdminTokenName = "mesh-local";

    /// <summary>The console user made with <see cref="LocalHubAccess.ConsoleAdmin"/>.</summary>
    public const string ConsoleUserName = "admin";

    private readonly Dictionary<string, string> _operatorTokens;
    private readonly Dictionary<string, HttpClient> _operators = new(StringComparer.Ordinal);

    private LocalHub(WebApplication app, Uri address, string adminToken, Dictionary<string, string> operatorTokens, LocalHubConsole? console)
    {
        App = app;
        Address = address;
        AdminToken = adminToken;
        _operatorTokens = operatorTokens;
        Login = console;
        Http = HubConnection.Create(address, adminToken);
    }

    public WebApplication App { get; }

    /// <summary>gRPC and JSON API address (HTTP/2 cleartext).</summary>
    public Uri Address { get; }

    /// <summary>The mutual-TLS endpoint nodes enroll and sync on (<c>https://…</c>).</summary>
    public Uri NodeAddress => HubApp.GetNodeAddress(App)!;

    /// <summary>A client of the JSON API that authenticates with the admin token.</summary>
    public HttpClient Http { get; }

    /// <summary>The admin token (for <c>mesh … --token</c>).</summary>
    public string AdminToken { get; }

    /// <summary>The console's address and login; null unless <see cref="LocalHubAccess.ConsoleAdmin"/> was asked for.</summary>
    public LocalHubConsole? Login { get; }

    /// <summary>The operator token of <paramref name="name"/>, one of <see cref="LocalHubAccess.Operators"/>.</summary>
    public string TokenOf(string name) => _operatorTokens.TryGetValue(name, out var token)
        ? token
        : throw new ArgumentException($"'{name}' is not one of the operators this hub was started with", nameof(name));

    /// <summary>A client of the JSON API that authenticates as operator <paramref name="name"/>; disposed with the hub.</summary>
    public HttpClient ClientOf(string name)
    {
        if (!_operators.TryGetValue(name, out var http))
            _operators[name] = http = HubConnection.Create(Address, TokenOf(name));
        return http;
    }

    /// <param name="port">0 picks a free port.</param>
    /// <param name="extraArgs">More configuration keys, e.g. <c>--Hub:Nats:Url=nats://127.0.0.1:4222</c>.</param>
    public static Task<LocalHub> StartAsync(string dataDirectory, int port = 0, LogLevel logLevel = LogLevel.Warning, params string[] extraArgs) =>
        StartAsync(dataDirectory, new LocalHubAccess([], ConsoleAdmin: false), port, logLevel, extraArgs);

    /// <param name="access">The operator tokens and console user to configure besides the admin token.</param>
    public static async Task<LocalHub> StartAsync(string dataDirectory, LocalHubAccess access, int port = 0, LogLevel logLevel = LogLevel.Warning, params string[] extraArgs)
    {
        Directory.CreateDirectory(dataDirectory);
        var adminToken = ApiToken.New();
        var operatorTokens = access.Operators.ToDictionary(n => n, _ => ApiToken.New(), StringComparer.Ordinal);
        List<string> args =
        [
            $"--Hub:Url=http://127.0.0.1:{port}", $"--Hub:DataPath={Path.Combine(dataDirectory, "hub.db")}", $"--Logging:LogLevel:Default={logLevel}",
            // Nodes enroll and sync over mutual TLS here; cleartext nodes stay allowed for the tests written before it
            // (the demo turns them off with --Hub:Enrollment:PlaintextNodes=false).
            "--Hub:Enrollment:Url=https://127.0.0.1:0", "--Hub:Enrollment:PlaintextNodes=true",
            .. TokenArgs(0, AdminTokenName, AccessRoles.Admin, adminToken),
            .. operatorTokens.SelectMany((o, i) => TokenArgs(i + 1, o.Key, AccessRoles.Operator, o.Value)),
        ];
        var password = access.ConsoleAdmin ? ApiToken.New()[ApiToken.Prefix.Length..] : null;
        if (password is not null)
        {
            args.Add("--Hub:ApiUrl=http://127.0.0.1:0");
            args.Add($"--Hub:Access:Users:0:Name={ConsoleUserName}");
            args.Add($"--Hub:Access:Users:0:Role={AccessRoles.Admin}");
            args.Add($"--Hub:Access:Users:0:PasswordHash={PasswordHash.Create(password)}");
        }
        var app = HubApp.Build([.. args, .. extraArgs], builder => builder.Logging.SetMinimumLevel(logLevel));
        await app.StartAsync().ConfigureAwait(false);
        var console = password is null ? null
            : new LocalHubConsole(new Uri(HubApp.GetApiAddress(app)!, "login"), ConsoleUserName, password);
        return new LocalHub(app, HubApp.GetBoundAddress(app), adminToken, operatorTokens, console);
    }

    /// <summary>A one-time enrollment token for <paramref name="nodeId"/> of <paramref name="site"/>, made through the
    /// admin API as <c>mesh node token</c> does.</summary>
    public async Task<string> CreateEnrollmentTokenAsync(string nodeId, string site, CancellationToken ct = default) =>
        (await new HubApiClient(Http).PostAsync<Mesh.Hub.Enrollment.EnrollmentApi.TokenView>(
            $"api/nodes/{Uri.EscapeDataString(nodeId)}/enrollment-tokens", new { site }, ct).ConfigureAwait(false)).Token;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var http in _operators.Values)
            http.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }

    private static string[] TokenArgs(int index, string name, string role, string token) =>
    [
        $"--Hub:Access:Tokens:{index}:Name={name}", $"--Hub:Access:Tokens:{index}:Role={role}", $"--Hub:Access:Tokens:{index}:Sha256={ApiToken.Sha256Hex(token)}",
    ];
}

/// <summary>Who besides the admin token may use a <see cref="LocalHub"/>.</summary>
/// <param name="Operators">Names that each get an operator token (<see cref="LocalHub.ClientOf"/>, <see cref="LocalHub.TokenOf"/>).</param>
/// <param name="ConsoleAdmin">Also make the console user <c>admin</c> with a generated password and open the HTTP/1.1 port.</param>
public sealed record LocalHubAccess(IReadOnlyList<string> Operators, bool ConsoleAdmin);

/// <summary>Where a person signs in to a <see cref="LocalHub"/>'s console, and with what.</summary>
public sealed record LocalHubConsole(Uri Login, string Name, string Password);
