using Mesh.Inference.Anomaly;

namespace Mesh.Inference.Tests.Anomaly;

public sealed class AnomalyFeaturesTests
{
    [Fact]
    public void Write_Reading_PutsMetricsThenHourOnUnitCircle()
    {
        var row = new float[AnomalyFeatures.Count];

        AnomalyFeatures.Write(4.5, 71.2, 2.1, 2.4, new DateTimeOffset(2025, 1, 6, 6, 0, 0, TimeSpan.Zero), row);

        row[..4].ShouldBe([4.5f, 71.2f, 2.1f, 2.4f]);
        row[4].ShouldBe(1f, 1e-6f);
        row[5].ShouldBe(0f, 1e-6f);
    }

    [Theory]
    [InlineData(0, 0, 0, 0.0)]
    [InlineData(15, 30, 0, 15.5)]
    [InlineData(23, 59, 24, 23.99)]
    public void HourOfDay_Time_IsHoursPlusFractions(int hour, int minute, int second, double expected) =>
        AnomalyFeatures.HourOfDay(new DateTimeOffset(2025, 3, 1, hour, minute, second, 250, TimeSpan.Zero)).ShouldBe(expected, 1e-9);

    [Fact]
    public void HourOfDay_LocalOffset_UsesUtc()
    {
        var local = new DateTimeOffset(2025, 3, 1, 17, 0, 0, TimeSpan.FromHours(2));

        AnomalyFeatures.HourOfDay(local).ShouldBe(15.0);
    }

    [Fact]
    public void Write_Midnight_NeighboursLastMinuteOfDay()
    {
        var midnight = new float[AnomalyFeatures.Count];
        var lastMinute = new float[AnomalyFeatures.Count];

        AnomalyFeatures.Write(0, 0, 0, 0, new DateTimeOffset(2025, 1, 7, 0, 0, 0, TimeSpan.Zero), midnight);
        AnomalyFeatures.Write(0, 0, 0, 0, new DateTimeOffset(2025, 1, 6, 23, 59, 0, TimeSpan.Zero), lastMinute);

        midnight[4].ShouldBe(lastMinute[4], 0.01f);
        midnight[5].ShouldBe(lastMinute[5], 0.01f);
    }

    [Fact]
    public void Names_FeatureOrder_MatchesManifestContract()
    {
        AnomalyFeatures.Metrics.ShouldBe(["temperature", "humidity", "power", "vibration"]);
        AnomalyFeatures.TimeFeatures.ShouldBe(["hour_sin", "hour_cos"]);
    }

    [Fact]
    public void Rows_Samples_AreRowMajor()
    {
        var time = new DateTimeOffset(2025, 1, 6, 12, 0, 0, TimeSpan.Zero);
        SensorSample[] samples = [new(0, time, 1, 2, 3, 4, FaultKind.None), new(1, time, 5, 6, 7, 8, FaultKind.Spike)];

        var rows = AnomalyFeatures.Rows(samples);

        rows.Length.ShouldBe(12);
        rows[6..10].ShouldBe([5f, 6f, 7f, 8f]);
    }
}
