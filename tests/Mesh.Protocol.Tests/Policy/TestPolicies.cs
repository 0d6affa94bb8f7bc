using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

internal static class TestPolicies
{
    /// <summary>The smallest valid policy: one rule, everything else defaulted.</summary>
    public const string Minimal = """
        site: demo
        version: 1
        rules:
          - id: overheat
            when: { metric: temperature, gt: 30 }
            action: cooling-on
        """;

    /// <summary>Parses <paramref name="yaml"/> and fails the test, listing the errors, unless it is valid.</summary>
    public static SitePolicy Load(string yaml)
    {
        var result = PolicyLoader.Parse(yaml, "test.yaml");
        result.Ok.ShouldBeTrue("errors: " + string.Join("; ", result.Errors));
        result.Errors.ShouldBeEmpty();
        return result.Policy!;
    }

    /// <summary>The errors of an invalid policy.</summary>
    public static IReadOnlyList<PolicyError> Errors(string yaml)
    {
        var result = PolicyLoader.Parse(yaml, "test.yaml");
        result.Ok.ShouldBeFalse();
        return result.Errors;
    }

    /// <summary>A one-rule policy whose rule's <c>when</c> is <paramref name="condition"/> (flow or block YAML, indented
    /// for the rule), with a group of the given skills.</summary>
    public static SitePolicy WithCondition(string condition, string skills = "[threshold, anomaly]") => Load($"""
        site: demo
        version: 1
        groups:
          - id: coolers
            skills: {skills}
        rules:
          - id: r1
            groups: [coolers]
            when: {condition}
            action: alert
        """);
}
