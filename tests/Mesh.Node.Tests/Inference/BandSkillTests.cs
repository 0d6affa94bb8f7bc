using Mesh.Node.Inference;
using Mesh.Protocol.Models;

namespace Mesh.Node.Tests.Inference;

public sealed class BandSkillTests
{
    private static readonly FeatureSpec[] Features = [FeatureSpec.OfMetric("temperature"), FeatureSpec.OfMetric("power"), FeatureSpec.OfTime(TimeFeature.HourSin)];

    private static readonly DeterministicFallback Bands = new("bands", 0.6, new Dictionary<string, MetricBand>
    {
        ["temperature"] = new(10, 30),
        ["power"] = new(0.5, 4),
    });

    [Theory]
    [InlineData(20f, 2f, 0.0)]
    [InlineData(10f, 0.5f, 0.0)]    // the bounds belong to the band
    [InlineData(31f, 2f, 1.0)]
    [InlineData(20f, 0f, 1.0)]
    public void Score_MetricOutsideItsBand_OneElseZero(float temperature, float power, double expected)
    {
        BandSkill.Score(Bands, Features, [temperature, power, 0.3f], out _).ShouldBe(expected);
    }

    [Fact]
    public void Score_Outside_SaysWhichMetricAndBand()
    {
        BandSkill.Score(Bands, Features, [20f, 0f, 0f], out var outside);

        outside.ShouldBe("power 0 outside [0.5, 4]");
    }
}
