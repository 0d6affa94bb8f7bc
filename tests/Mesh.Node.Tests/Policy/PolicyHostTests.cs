using System.Text.Json;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Policy;

/// <summary>Which offered policy becomes active, and what the journal says about it.</summary>
public sealed class PolicyHostTests : IAsyncLifetime
{
    private readonly JournalFixture _fx = new();
    private PolicyHost _host = null!;

    private static readonly PolicySource File = new("file", "/etc/mesh/site-a.yaml");

    private static PolicySource Hub(long activation) => new("hub", activation.ToString(System.Globalization.CultureInfo.InvariantCulture), activation);

    /// <summary>A valid policy; <paramref name="limit"/> changes its content without changing its version.</summary>
    private static string Text(long version, double limit = 30, string site = TestPolicies.Site) => $"""
        site: {site}
        version: {version}
        rules:
          - id: overheat
            when: {"{"} metric: temperature, gt: {limit} {"}"}
            action: cooling-on
        """;

    public async Task InitializeAsync()
    {
        _host = _fx.NewHost();
        await _host.StartAsync(null);
    }

    private List<AuditRecord> Of(AuditKind kind) => _fx.Records().Where(r => r.Kind == kind).ToList();

    [Fact]
    public void Start_EmptyJournal_RecordsTheBuiltInPolicy()
    {
        var activated = Of(AuditKind.PolicyActivated).ShouldHaveSingleItem();

        _host.Current.Source.ShouldBe(PolicySource.BuiltIn);
        activated.PolicyVersion.ShouldBe(_host.Current.Ref);
        JsonDocument.Parse(activated.Body).RootElement.GetProperty("source").GetString().ShouldBe("builtin:Node:Rules");
    }

    [Fact]
    public async Task Offer_ValidPolicy_ActivatedAndRecordedWithVersionShaAndText()
    {
        var text = Text(3);
        ActivePolicy? raised = null;
        _host.Activated += p => raised = p;

        (await _host.OfferAsync(text, "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Activated);

        _host.Current.Policy.Version.ShouldBe(3);
        _host.Current.Source.ShouldBe(File);
        raised.ShouldBeSameAs(_host.Current);
        var record = Of(AuditKind.PolicyActivated).Last();
        record.PolicyVersion.ShouldBe($"v3/{PolicyLoader.Sha256(text)[..12]}");
        record.Outcome.ShouldBe("activated");
        using var body = JsonDocument.Parse(record.Body);
        body.RootElement.GetProperty("version").GetInt64().ShouldBe(3);
        body.RootElement.GetProperty("sha256").GetString().ShouldBe(PolicyLoader.Sha256(text));
        body.RootElement.GetProperty("text").GetString().ShouldBe(text);
        body.RootElement.GetProperty("source").GetString().ShouldBe("file:/etc/mesh/site-a.yaml");
    }

    [Fact]
    public async Task Offer_SameTextAgain_AlreadyActiveAndNothingRecorded()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);
        var before = _fx.Records().Count;

        (await _host.OfferAsync(Text(3), "site-a.yaml", File)).ShouldBe(PolicyOfferResult.AlreadyActive);

        _fx.Records().Count.ShouldBe(before);
    }

    [Fact]
    public async Task Offer_InvalidPolicy_RejectedWithPositionAndOldPolicyStays()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);
        var active = _host.Current;
        var broken = Text(4).Replace("action: cooling-on", "action: cooling-on\n    gaet: deny", StringComparison.Ordinal);

        (await _host.OfferAsync(broken, "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Rejected);

        _host.Current.ShouldBeSameAs(active);
        var rejected = Of(AuditKind.PolicyRejected).ShouldHaveSingleItem();
        rejected.Outcome.ShouldStartWith("site-a.yaml:7:5: unknown key 'gaet'");
        rejected.PolicyVersion.ShouldBe(active.Ref);
        JsonDocument.Parse(rejected.Body).RootElement.GetProperty("errors")[0].GetString().ShouldBe(rejected.Outcome);
        _fx.Logs.Entries.ShouldContain(e => e.Id.Id == 4002);
        _fx.Logs.ShouldHaveNoErrors();
    }

    [Fact]
    public async Task Offer_OtherSite_Rejected()
    {
        (await _host.OfferAsync(Text(3, site: "site-b"), "b.yaml", File)).ShouldBe(PolicyOfferResult.Rejected);

        _host.Current.Source.ShouldBe(PolicySource.BuiltIn);
        Of(AuditKind.PolicyRejected).ShouldHaveSingleItem().Outcome.ShouldContain("site 'site-b'");
    }

    [Fact]
    public async Task Offer_BuiltInActive_AnyVersionReplacesIt()
    {
        (await _host.OfferAsync(Text(1, limit: 40), "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Activated);

        _host.Current.Policy.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Offer_OlderVersionFromFile_IgnoredAndNotRecorded()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);
        var active = _host.Current;
        var before = _fx.Records().Count;

        (await _host.OfferAsync(Text(2), "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Older);

        _host.Current.ShouldBeSameAs(active);
        _fx.Records().Count.ShouldBe(before);
    }

    [Fact]
    public async Task Offer_SameVersionOtherContent_Rejected()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);
        var active = _host.Current;

        (await _host.OfferAsync(Text(3, limit: 35), "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Rejected);

        _host.Current.ShouldBeSameAs(active);
        Of(AuditKind.PolicyRejected).ShouldHaveSingleItem().Outcome.ShouldContain("version 3 is already active with other content");
    }

    [Fact]
    public async Task Offer_NewerVersion_Activated()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);

        (await _host.OfferAsync(Text(4), "site-a.yaml", Hub(1))).ShouldBe(PolicyOfferResult.Activated);

        (_host.Current.Policy.Version, _host.Current.Source.Kind).ShouldBe((4, "hub"));
    }

    [Fact]
    public async Task Offer_HubRollbackWithNewerActivation_AcceptedOverHubPolicy()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", Hub(1));

        (await _host.OfferAsync(Text(2), "site-a.yaml", Hub(2))).ShouldBe(PolicyOfferResult.Activated);

        _host.Current.Policy.Version.ShouldBe(2);
        _host.Current.Source.Activation.ShouldBe(2);
        Of(AuditKind.PolicyActivated).Last().PolicyVersion.ShouldStartWith("v2/");
    }

    [Fact]
    public async Task Offer_HubOlderVersionWithOlderActivation_Ignored()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", Hub(5));

        (await _host.OfferAsync(Text(2), "site-a.yaml", Hub(4))).ShouldBe(PolicyOfferResult.Older);

        _host.Current.Policy.Version.ShouldBe(3);
    }

    [Fact]
    public async Task Offer_HubRollbackOverNewerLocalFile_Ignored()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);

        (await _host.OfferAsync(Text(2), "site-a.yaml", Hub(9))).ShouldBe(PolicyOfferResult.Older);

        (_host.Current.Policy.Version, _host.Current.Source).ShouldBe((3, File));
    }

    [Fact]
    public async Task Start_AfterRestart_RestoresTheHubPolicyFromTheJournal()
    {
        await _host.OfferAsync(Text(5), "site-a.yaml", Hub(7));
        var active = _host.Current;
        await _fx.ReopenAsync();
        var before = _fx.Records().Count;

        var revived = _fx.NewHost();
        await revived.StartAsync(_fx.LastActivated());

        revived.Current.Ref.ShouldBe(active.Ref);
        revived.Current.Source.ShouldBe(active.Source);
        revived.Current.Policy.Text.ShouldBe(active.Policy.Text);
        _fx.Records().Count.ShouldBe(before, "restoring records nothing");
        (await revived.OfferAsync(Text(4), "site-a.yaml", File)).ShouldBe(PolicyOfferResult.Older);
    }

    [Fact]
    public async Task Start_AfterRestartWithChangedNodeRules_TheConfiguredBuiltInPolicyRuns()
    {
        var before = _host.Current;
        await _fx.ReopenAsync();
        var rules = new[] { ThresholdRule.DefaultCooling with { Above = 40 } };

        var revived = new PolicyHost(TestPolicies.Site, BuiltInPolicy.For(TestPolicies.Site, rules),
            new Dictionary<string, IReadOnlyDictionary<string, string>>(), _fx.Journal, _fx.Lookup, _fx.Logs.For<PolicyHost>());
        await revived.StartAsync(_fx.LastActivated());

        revived.Current.Policy.Text.ShouldContain("gt: 40");
        revived.Current.Ref.ShouldNotBe(before.Ref);
        _fx.LastActivated().ShouldNotBeNull().PolicyVersion.ShouldBe(revived.Current.Ref, "the journal says what the next decisions run under");
    }

    [Fact]
    public async Task Start_NodeRulesChangedAndChangedBack_JournalNamesThePolicyRunning()
    {
        var original = _host.Current;
        var changed = new[] { ThresholdRule.DefaultCooling with { Above = 40 } };
        await RestartWithAsync(changed);

        var revived = await RestartWithAsync([ThresholdRule.DefaultCooling]);

        revived.Current.Ref.ShouldBe(original.Ref);
        _fx.LastActivated().ShouldNotBeNull().PolicyVersion.ShouldBe(original.Ref);
        var restartedAgain = await RestartWithAsync([ThresholdRule.DefaultCooling]);
        restartedAgain.Current.Ref.ShouldBe(original.Ref);
        _fx.Records().Count(r => r.Kind == AuditKind.PolicyActivated).ShouldBe(3, "a restart with unchanged rules records nothing new");
    }

    private async Task<PolicyHost> RestartWithAsync(IReadOnlyList<ThresholdRule> rules)
    {
        await _fx.ReopenAsync();
        var host = new PolicyHost(TestPolicies.Site, BuiltInPolicy.For(TestPolicies.Site, rules),
            new Dictionary<string, IReadOnlyDictionary<string, string>>(), _fx.Journal, _fx.Lookup, _fx.Logs.For<PolicyHost>());
        await host.StartAsync(_fx.LastActivated());
        return host;
    }

    [Fact]
    public async Task Resolve_PolicyActivatedBeforeRestart_FoundInTheJournal()
    {
        await _host.OfferAsync(Text(3), "site-a.yaml", File);
        var first = _host.Current.Ref;
        await _host.OfferAsync(Text(4), "site-a.yaml", File);
        await _fx.ReopenAsync();

        var revived = _fx.NewHost();
        await revived.StartAsync(_fx.LastActivated());

        revived.Resolve(first).ShouldNotBeNull().Policy.Version.ShouldBe(3);
        revived.Resolve("v9/000000000000").ShouldBeNull();
    }

    public async Task DisposeAsync()
    {
        _fx.Logs.ShouldHaveNoErrors();
        await _fx.DisposeAsync();
    }
}
