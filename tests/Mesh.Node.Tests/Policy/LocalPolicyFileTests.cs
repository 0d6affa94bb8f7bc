using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Tests.Policy;

/// <summary>The local policy file: loaded at start, reloaded when it changes, an invalid edit refused.</summary>
public sealed class LocalPolicyFileTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly JournalFixture _fx = new();
    private PolicyHost _host = null!;
    private LocalPolicyFile? _service;

    private string PolicyPath => Path.Combine(_fx.Directory, "site-a.yaml");

    private static string Text(long version, string comment = "") => $"""
        # {comment}
        site: site-a
        version: {version}
        rules:
          - id: overheat
            when: {"{"} metric: temperature, gt: {20 + version} {"}"}
            action: cooling-on
        """;

    public Task InitializeAsync()
    {
        _host = _fx.NewHost();
        return Task.CompletedTask;
    }

    private async Task<LocalPolicyFile> StartServiceAsync()
    {
        var options = Options.Create(new NodeOptions
        {
            NodeId = "edge-1",
            Site = TestPolicies.Site,
            DataDirectory = _fx.Directory,
            Policy = new PolicyOptions { File = PolicyPath, PollInterval = TimeSpan.FromMilliseconds(50) },
        });
        _service = new LocalPolicyFile(options, _host, _fx.Journal, _fx.Logs.For<LocalPolicyFile>());
        await _service.StartAsync(CancellationToken.None);
        return _service;
    }

    /// <summary>Completes when version <paramref name="version"/> becomes active.</summary>
    private Task<ActivePolicy> ActivationOf(long version)
    {
        var activated = new TaskCompletionSource<ActivePolicy>(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Activated += p =>
        {
            if (p.Policy.Version == version)
                activated.TrySetResult(p);
        };
        return activated.Task.WaitAsync(Patience);
    }

    /// <summary>Waits, by the journal's head, until its records satisfy <paramref name="condition"/>.</summary>
    private async Task JournalEventuallyAsync(Func<List<AuditRecord>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var head = _fx.Journal.Head;
            if (condition(_fx.Records()))
                return;
            await _fx.Journal.WaitForHeadAboveAsync(head, deadline.Token);
        }
    }

    [Fact]
    public async Task Start_FileExists_ItsPolicyIsActiveBeforeStartReturns()
    {
        await File.WriteAllTextAsync(PolicyPath, Text(2));

        await StartServiceAsync();

        (_host.Current.Policy.Version, _host.Current.Source.Kind).ShouldBe((2, "file"));
        _fx.Records().Where(r => r.Kind == AuditKind.PolicyActivated).Select(r => r.PolicyVersion[..2]).ShouldBe(["v1", "v2"]);
    }

    [Fact]
    public async Task HotReload_FileChanged_NewVersionBecomesActive()
    {
        await File.WriteAllTextAsync(PolicyPath, Text(2));
        await StartServiceAsync();

        var activation = ActivationOf(3);

        await File.WriteAllTextAsync(PolicyPath, Text(3, "raised the limit"));

        (await activation).ShouldBeSameAs(_host.Current);
        _fx.Records().Last(r => r.Kind == AuditKind.PolicyActivated).PolicyVersion.ShouldStartWith("v3/");
    }

    [Fact]
    public async Task HotReload_InvalidEdit_RejectedAndPreviousStays()
    {
        await File.WriteAllTextAsync(PolicyPath, Text(2));
        await StartServiceAsync();
        var active = _host.Current;

        await File.WriteAllTextAsync(PolicyPath, Text(3).Replace("gt: 23", "gt: hot", StringComparison.Ordinal));

        await JournalEventuallyAsync(records => records.Any(r => r.Kind == AuditKind.PolicyRejected));
        _host.Current.ShouldBeSameAs(active);
        var rejected = _fx.Records().Single(r => r.Kind == AuditKind.PolicyRejected);
        rejected.Outcome.ShouldStartWith(PolicyPath + ":6:");
        rejected.PolicyVersion.ShouldBe(active.Ref);

        var activation = ActivationOf(3);
        await File.WriteAllTextAsync(PolicyPath, Text(3, "fixed"));
        (await activation).Policy.Text.ShouldContain("fixed");
    }

    [Fact]
    public async Task Start_JournalHasNewerHubPolicy_OlderFileIgnored()
    {
        await _host.StartAsync(null);
        await _host.OfferAsync(Text(5), "hub", new PolicySource("hub", "3", 3));
        await _fx.ReopenAsync();
        _host = _fx.NewHost();
        await File.WriteAllTextAsync(PolicyPath, Text(4));

        await StartServiceAsync();

        (_host.Current.Policy.Version, _host.Current.Source.Kind).ShouldBe((5, "hub"));
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }
        _fx.Logs.ShouldHaveNoErrors();
        await _fx.DisposeAsync();
    }
}
