using Mesh.Cli.Demo;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>One in-process hub shared by the tests of a class; each test uses its own site and node, so they stay independent.
/// <see cref="Http"/> is an admin; <see cref="Operators"/> each have an operator token (<see cref="LocalHub.ClientOf"/>); the
/// console has its admin user (<see cref="LocalHub.Login"/>).</summary>
public sealed class HubFixture : IAsyncLifetime
{
    private LocalHub? _hub;

    public TempDirectory Dir { get; } = new();

    public LocalHub Hub => _hub ?? throw new InvalidOperationException("the hub is not started");

    public HttpClient Http => Hub.Http;

    public static readonly IReadOnlyList<string> Operators = ["alice", "bob", "carol", "dave"];

    public async Task InitializeAsync() => _hub = await LocalHub.StartAsync(Dir.Sub("hub"), new LocalHubAccess(Operators, ConsoleAdmin: true));

    public async Task DisposeAsync()
    {
        if (_hub is not null)
            await _hub.DisposeAsync();
        Dir.Dispose();
    }
}
