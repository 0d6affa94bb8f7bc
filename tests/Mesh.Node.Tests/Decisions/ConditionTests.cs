using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Decisions;

/// <summary>Condition kinds and three-valued logic, as the decision core evaluates them.</summary>
public sealed class ConditionTests
{
    private static DeviceRun Run(string when) => new(TestPolicies.For(TestPolicies.OneRule(when)));

    private static bool Fires(string when, params (string, double)[] metrics) =>
        Run(when).Feed(0, metrics).Fired.Any(f => f.Active);

    [Theory]
    [InlineData("gt", 30.5, true)]
    [InlineData("gt", 30.0, false)]
    [InlineData("ge", 30.0, true)]
    [InlineData("ge", 29.9, false)]
    [InlineData("lt", 29.9, true)]
    [InlineData("lt", 30.0, false)]
    [InlineData("le", 30.0, true)]
    [InlineData("le", 30.1, false)]
    [InlineData("eq", 30.0, true)]
    [InlineData("eq", 30.1, false)]
    [InlineData("ne", 30.1, true)]
    [InlineData("ne", 30.0, false)]
    public void Compare_EachOperator_FiresExactlyWhenItHolds(string op, double value, bool fires) =>
        Fires($"{{ metric: temperature, {op}: 30 }}", ("temperature", value)).ShouldBe(fires);

    [Fact]
    public void Compare_NegativeAndFractionalThreshold_ComparesNumerically() =>
        Fires("{ metric: temperature, le: -15.5 }", ("temperature", -16)).ShouldBeTrue();

    [Fact]
    public void Compare_MetricAbsent_DoesNotFire()
    {
        Fires("{ metric: temperature, gt: 30 }", ("humidity", 99)).ShouldBeFalse();
        Fires("{ metric: temperature, ne: 30 }").ShouldBeFalse();
    }

    [Theory]
    [InlineData(31, 40, true)]
    [InlineData(31, 60, false)]
    [InlineData(29, 40, false)]
    public void All_EveryPartTrue_Fires(double temperature, double humidity, bool fires) =>
        Fires("{ all: [ { metric: temperature, gt: 30 }, { metric: humidity, lt: 50 } ] }", ("temperature", temperature), ("humidity", humidity))
            .ShouldBe(fires);

    [Fact]
    public void All_OnePartUnknownRestTrue_DoesNotFire() =>
        Fires("{ all: [ { metric: temperature, gt: 30 }, { metric: humidity, lt: 50 } ] }", ("temperature", 31)).ShouldBeFalse();

    [Theory]
    [InlineData(31, 10, true)]
    [InlineData(20, 90, true)]
    [InlineData(20, 10, false)]
    public void Any_SomePartTrue_Fires(double temperature, double humidity, bool fires) =>
        Fires("{ any: [ { metric: temperature, gt: 30 }, { metric: humidity, gt: 80 } ] }", ("temperature", temperature), ("humidity", humidity))
            .ShouldBe(fires);

    [Fact]
    public void Any_TruePartWithUnknownPart_Fires() =>
        Fires("{ any: [ { metric: temperature, gt: 30 }, { metric: humidity, gt: 80 } ] }", ("humidity", 90)).ShouldBeTrue();

    [Fact]
    public void Any_FalsePartWithUnknownPart_DoesNotFire() =>
        Fires("{ any: [ { metric: temperature, gt: 30 }, { metric: humidity, gt: 80 } ] }", ("temperature", 20)).ShouldBeFalse();

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Not_KnownPart_FiresWhenPartIsFalse(double door, bool fires) =>
        Fires("{ not: { metric: door, eq: 1 } }", ("door", door)).ShouldBe(fires);

    [Fact]
    public void Not_UnknownPart_DoesNotFire() =>
        Fires("{ not: { metric: door, eq: 1 } }", ("temperature", 20)).ShouldBeFalse();

    [Fact]
    public void Not_AllWithFalseAndUnknownPart_FiresBecauseFalseDecidesAll() =>
        Fires("{ not: { all: [ { metric: temperature, gt: 30 }, { metric: humidity, gt: 50 } ] } }", ("temperature", 20)).ShouldBeTrue();

    [Fact]
    public void Not_AnyWithFalseAndUnknownPart_DoesNotFire() =>
        Fires("{ not: { any: [ { metric: temperature, gt: 30 }, { metric: humidity, gt: 50 } ] } }", ("temperature", 20)).ShouldBeFalse();

    [Fact]
    public void Nested_AllAnyNot_EvaluatesAsWritten()
    {
        const string when = "{ all: [ { any: [ { metric: a, gt: 1 }, { metric: b, gt: 1 } ] }, { not: { metric: c, eq: 0 } } ] }";

        Fires(when, ("a", 2), ("b", 0), ("c", 1)).ShouldBeTrue();
        Fires(when, ("a", 0), ("b", 2), ("c", 5)).ShouldBeTrue();
        Fires(when, ("a", 2), ("b", 2), ("c", 0)).ShouldBeFalse();
        Fires(when, ("a", 0), ("b", 0), ("c", 1)).ShouldBeFalse();
    }

    [Fact]
    public void Explain_FiredRule_ReasonNamesTheConditionAndTheValueRead()
    {
        var fired = Run("{ all: [ { metric: temperature, gt: 30 }, { metric: humidity, lt: 50 } ] }")
            .Feed(0, ("temperature", 31.5), ("humidity", 40)).Fired.ShouldHaveSingleItem();

        fired.Reason.ShouldBe("temperature > 30 (was 31.5); humidity < 50 (was 40)");
    }

    [Fact]
    public void Model_OutputAndConfidence_ReadFromInferenceResults()
    {
        var yaml = TestPolicies.WithRules("""
              - id: failing
                groups: [all-devices]
                when: { all: [ { model: anomaly, output: score, ge: 0.9 }, { confidence: anomaly, ge: 0.8 } ] }
                action: restart
            """, "groups:\n  - id: all-devices\n    skills: [anomaly]\n");
        var policy = TestPolicies.For(yaml);
        var sure = new InferenceResults([new ModelResult("anomaly", "1", new Dictionary<string, double> { ["score"] = 0.95 }, 0.85)]);
        var unsure = new InferenceResults([new ModelResult("anomaly", "1", new Dictionary<string, double> { ["score"] = 0.95 }, 0.5)]);

        Fire(policy, sure).ShouldBeTrue();
        Fire(policy, unsure).ShouldBeFalse();
        Fire(policy, InferenceResults.None).ShouldBeFalse("a model that did not run is unknown, not false");

        static bool Fire(DevicePolicy policy, InferenceResults inference) =>
            new DeviceRun(policy).Feed(DeviceRun.Reading("dev-1", 1, 0, ("temperature", 1)), inference).Fired.Count == 1;
    }
}
