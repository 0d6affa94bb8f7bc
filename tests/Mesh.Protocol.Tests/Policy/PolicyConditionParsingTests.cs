using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

public class PolicyConditionParsingTests
{
    private static readonly MetricOperand Temperature = new("temperature");

    [Theory]
    [InlineData("gt", CompareOp.Gt)]
    [InlineData("ge", CompareOp.Ge)]
    [InlineData("lt", CompareOp.Lt)]
    [InlineData("le", CompareOp.Le)]
    [InlineData("eq", CompareOp.Eq)]
    [InlineData("ne", CompareOp.Ne)]
    public void Parse_MetricComparison_EachOperator(string key, CompareOp op) =>
        TestPolicies.WithCondition($"{{ metric: temperature, {key}: -1.5e1 }}").Rules[0].When
            .ShouldBe(new CompareCondition(Temperature, op, -15));

    [Fact]
    public void Parse_ModelOutputComparison_ReadsModelAndOutput() =>
        TestPolicies.WithCondition("{ model: anomaly, output: score, ge: 0.9 }").Rules[0].When
            .ShouldBe(new CompareCondition(new ModelOutputOperand("anomaly", "score"), CompareOp.Ge, 0.9));

    [Fact]
    public void Parse_ConfidenceComparison_ReadsModel() =>
        TestPolicies.WithCondition("{ confidence: anomaly, ge: 0.8 }").Rules[0].When
            .ShouldBe(new CompareCondition(new ConfidenceOperand("anomaly"), CompareOp.Ge, 0.8));

    [Fact]
    public void Parse_CountCondition_ReadsPredicateWindowAndThreshold()
    {
        var when = TestPolicies.WithCondition("""

                  count: { metric: temperature, gt: 30 }
                  within: 10m
                  at_least: 3
            """).Rules[0].When;

        when.ShouldBe(new CountCondition(new CompareCondition(Temperature, CompareOp.Gt, 30), TimeSpan.FromMinutes(10), 3));
    }

    [Fact]
    public void Parse_NestedAllAnyNot_KeepsStructureAndOrder()
    {
        var when = TestPolicies.WithCondition("""

                  all:
                    - { metric: temperature, gt: 30 }
                    - any:
                        - { confidence: threshold, ge: 0.5 }
                        - not: { metric: door, eq: 1 }
            """).Rules[0].When;

        var all = when.ShouldBeOfType<AllCondition>();
        all.Parts.Count.ShouldBe(2);
        all.Parts[0].ShouldBe(new CompareCondition(Temperature, CompareOp.Gt, 30));
        var any = all.Parts[1].ShouldBeOfType<AnyCondition>();
        any.Parts[0].ShouldBe(new CompareCondition(new ConfidenceOperand("threshold"), CompareOp.Ge, 0.5));
        any.Parts[1].ShouldBe(new NotCondition(new CompareCondition(new MetricOperand("door"), CompareOp.Eq, 1)));
        PolicyText.Format(when).ShouldBe("all(temperature > 30, any(confidence(threshold) >= 0.5, not(door == 1)))");
    }

    [Fact]
    public void Parse_ModelInSomeGroupAndRuleForEveryDevice_Accepted()
    {
        var policy = TestPolicies.Load("""
            site: demo
            version: 1
            groups:
              - id: a
              - id: b
                skills: [anomaly]
            rules:
              - id: r1
                when: { model: anomaly, output: score, gt: 0.9 }
                action: alert
            """);

        policy.Rules[0].Groups.ShouldBeEmpty();
    }

    [Fact]
    public void Parse_ModelMissingFromOneOfTheRulesGroups_ErrorNamesThatGroup()
    {
        var error = TestPolicies.Errors("""
            site: demo
            version: 1
            groups:
              - { id: a, skills: [anomaly] }
              - { id: b, skills: [threshold] }
            rules:
              - id: r1
                groups: [a, b]
                when: { confidence: anomaly, ge: 0.9 }
                action: alert
            """).ShouldHaveSingleItem();

        error.ToString().ShouldBe("test.yaml:9:25: 'anomaly' is not a skill of group 'b'; a rule may use a model only where it runs");
    }

    [Fact]
    public void Parse_MisspeltShapeKey_OnlyTheUnknownKeyError()
    {
        var error = TestPolicies.Errors(TestPolicies.Minimal.Replace("metric:", "metrc:", StringComparison.Ordinal)).ShouldHaveSingleItem();

        error.Message.ShouldStartWith("unknown key 'metrc' in condition");
        error.Message.ShouldEndWith("(did you mean 'metric'?)");
    }

    [Fact]
    public void Parse_EmptyGroupsAndModelOfNoGroup_ErrorAsForEveryDevice()
    {
        var error = TestPolicies.Errors("""
            site: demo
            version: 1
            groups:
              - { id: a, skills: [threshold] }
            rules:
              - id: r1
                groups: []
                when: { confidence: anomaly, ge: 0.9 }
                action: alert
            """).ShouldHaveSingleItem();

        error.Message.ShouldStartWith("'anomaly' is not a skill of any group");
    }
}
