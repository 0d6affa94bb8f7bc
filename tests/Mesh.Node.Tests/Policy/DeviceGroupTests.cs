using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Policy;

/// <summary>Which rules apply to which device: id globs and attributes of the groups a rule names.</summary>
public sealed class DeviceGroupTests
{
    private const string Yaml = """
        site: site-a
        version: 1
        groups:
          - id: coolers
            devices: ["cooler-*", "fridge-0?"]
            attributes: { kind: cooler }
          - id: docks
            devices: ["dock-*"]
        rules:
          - id: cooler-warm
            groups: [coolers]
            when: { metric: temperature, gt: 5 }
            action: cooler-alarm
          - id: dock-open
            groups: [docks]
            when: { metric: door, eq: 1 }
            action: dock-alarm
          - id: everywhere
            when: { metric: temperature, gt: 50 }
            action: fire-alarm
        """;

    private static readonly IReadOnlyDictionary<string, string> Cooler = new Dictionary<string, string> { ["kind"] = "cooler" };

    private static string Proposed(string device, IReadOnlyDictionary<string, string>? attributes)
    {
        var policy = TestPolicies.Active(Yaml, attributes is null ? null : new Dictionary<string, IReadOnlyDictionary<string, string>> { [device] = attributes });
        return new DeviceRun(policy.For(device), device).Proposed(0, ("door", 1), ("temperature", 60));
    }

    [Theory]
    [InlineData("cooler-1", true, "cooler-alarm:Allowed, fire-alarm:Allowed")]
    [InlineData("cooler-", true, "cooler-alarm:Allowed, fire-alarm:Allowed")]
    [InlineData("fridge-07", true, "cooler-alarm:Allowed, fire-alarm:Allowed")]
    [InlineData("cooler-1", false, "fire-alarm:Allowed")]
    [InlineData("fridge-007", true, "fire-alarm:Allowed")]
    [InlineData("fridge-7", true, "fire-alarm:Allowed")]
    [InlineData("Cooler-1", true, "fire-alarm:Allowed")]
    [InlineData("dock-3", false, "dock-alarm:Allowed, fire-alarm:Allowed")]
    [InlineData("pump-1", true, "fire-alarm:Allowed")]
    public void Groups_DeviceIdAndAttributes_DecideWhichRulesApply(string device, bool isCooler, string expected) =>
        Proposed(device, isCooler ? Cooler : null).ShouldBe(expected);

    [Fact]
    public void Groups_AttributeWithOtherValue_DoesNotMatch() =>
        Proposed("cooler-1", new Dictionary<string, string> { ["kind"] = "freezer" }).ShouldBe("fire-alarm:Allowed");

    [Fact]
    public void Groups_RuleCountPerDevice_OnlyApplicableRulesCompiled()
    {
        var policy = TestPolicies.Active(Yaml, new Dictionary<string, IReadOnlyDictionary<string, string>> { ["cooler-1"] = Cooler });

        policy.For("cooler-1").RuleCount.ShouldBe(2);
        policy.For("dock-1").RuleCount.ShouldBe(2);
        policy.For("pump-1").RuleCount.ShouldBe(1);
        policy.For("pump-1").ShouldBeSameAs(policy.For("pump-1"));
    }
}
