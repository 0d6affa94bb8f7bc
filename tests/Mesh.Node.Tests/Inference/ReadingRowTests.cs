using Mesh.Node.Inference;
using Mesh.Node.Tests.Support;
using Mesh.Protocol.Models;

namespace Mesh.Node.Tests.Inference;

public sealed class ReadingRowTests
{
    private static readonly FeatureSpec[] Features =
    [
        FeatureSpec.OfMetric("temperature"), FeatureSpec.OfMetric("power"), FeatureSpec.OfTime(TimeFeature.HourSin), FeatureSpec.OfTime(TimeFeature.HourCos),
    ];

    [Fact]
    public void TryFill_AllMetricsPresent_ColumnsInManifestOrderAndTimeOfDay()
    {
        // 18:00 UTC: a quarter turn before midnight on the unit circle (sin -1, cos 0).
        var reading = DeviceRun.Reading("dev-1", 1, 6 * 3600, ("power", 2.5), ("temperature", 21.25), ("humidity", 40));
        var row = new float[4];

        ReadingRow.TryFill(Features, reading, row, out var missing).ShouldBeTrue();

        missing.ShouldBeNull();
        row[0].ShouldBe(21.25f);
        row[1].ShouldBe(2.5f);
        row[2].ShouldBe(-1f, 1e-6f);
        row[3].ShouldBe(0f, 1e-6f);
    }

    [Fact]
    public void TryFill_MetricMissing_FalseAndNamesIt()
    {
        var reading = DeviceRun.Reading("dev-1", 1, 0, ("temperature", 21));

        ReadingRow.TryFill(Features, reading, new float[4], out var missing).ShouldBeFalse();

        missing.ShouldBe("power");
    }
}
