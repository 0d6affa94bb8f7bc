using Mesh.Node.Policy;
using Mesh.Protocol.Policy;

namespace Mesh.Node.Tests.Support;

/// <summary>Policies written as YAML in the tests, parsed by the real loader.</summary>
public static class TestPolicies
{
    public const string Site = "site-a";

    /// <summary>One rule that reads the anomaly model's score: the rule "odd" proposes "inspect" at a score of 0.5 or more.</summary>
    public const string AnomalyRule = """
        site: site-a
        version: 1
        groups:
          - { id: rooms, skills: [anomaly] }
        rules:
          - id: odd
            groups: [rooms]
            when: { model: anomaly, output: score, ge: 0.5 }
            action: inspect
        """;

    public static SitePolicy Parse(string yaml, string file = "test.yaml")
    {
        var parsed = PolicyLoader.Parse(yaml, file);
        parsed.Errors.ShouldBeEmpty(string.Join("\n", parsed.Errors));
        return parsed.Policy.ShouldNotBeNull();
    }

    public static ActivePolicy Active(string yaml, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? attributes = null) =>
        new(Parse(yaml), PolicySource.BuiltIn, attributes);

    public static DevicePolicy For(string yaml, string device = "dev-1") => Active(yaml).For(device);

    /// <summary>A policy of the test site with these rules (YAML list items, indented by two spaces) and extra top-level keys.</summary>
    public static string WithRules(string rules, string extra = "", long version = 1) =>
        $"site: {Site}\nversion: {version}\nrules:\n{rules.TrimEnd()}\n{extra}";

    /// <summary>One rule for every device: <c>when</c> as a flow mapping, default clear, action <c>act</c>.</summary>
    public static string OneRule(string when, string more = "") =>
        WithRules($"  - id: r\n    when: {when}\n    action: act\n{more}");
}
