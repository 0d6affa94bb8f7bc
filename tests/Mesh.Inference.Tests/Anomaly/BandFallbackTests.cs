using Mesh.Inference.Anomaly;

namespace Mesh.Inference.Tests.Anomaly;

[Collection(TrainedModelCollection.Name)]
public sealed class BandFallbackTests(TrainedModelFixture fixture)
{
    [Theory]
    [InlineData(FaultKind.StuckAtZero)]
    [InlineData(FaultKind.TemperatureExcursion)]
    public void IsAnomalous_LargeFaults_Flagged(FaultKind kind)
    {
        var faults = fixture.HeldOut.Where(s => s.Fault == kind).ToList();

        faults.Count.ShouldBeGreaterThan(5);
        faults.Count(fixture.Result.Fallback.IsAnomalous).ShouldBeGreaterThanOrEqualTo((int)Math.Ceiling(faults.Count * 0.95));
    }

    [Fact]
    public void IsAnomalous_HeldOutNormalReadings_RarelyFlagged()
    {
        var normal = fixture.HeldOut.Where(s => !s.IsAnomaly).ToList();

        (normal.Count(fixture.Result.Fallback.IsAnomalous) / (double)normal.Count).ShouldBeLessThan(0.02);
    }

    [Fact]
    public void Report_BandsAgainstModel_RecallLowerOnDecouplingFaults()
    {
        var model = fixture.Result.Model.ByKind.Single(k => k.Kind == FaultKind.PowerDecoupling);
        var bands = fixture.Result.Bands.ByKind.Single(k => k.Kind == FaultKind.PowerDecoupling);

        bands.Recall.ShouldBeLessThan(model.Recall);
    }

    [Fact]
    public void Learn_NormalReadings_BandsHoldAlmostAllAndAreRoundedOutward()
    {
        var time = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
        var readings = Enumerable.Range(0, 1001)
            .Select(i => new SensorSample(0, time, 3 + i / 1000.0, 70, 2, 2.5, FaultKind.None))
            .Append(new SensorSample(0, time, 50, 0, 0, 0, FaultKind.TemperatureExcursion))
            .ToList();

        var bands = BandFallback.Learn(readings);

        // 0.1st..99.9th percentile of 3.000..4.000 is 3.001..3.999, widened by 5 % of the width, rounded to 0.01.
        bands.Temperature.ShouldBe(new SensorBand(2.95, 4.05));
        bands.Humidity.ShouldBe(new SensorBand(70, 70));
        bands.IsAnomalous(readings[^1]).ShouldBeTrue();
        readings.SkipLast(1).ShouldAllBe(r => !bands.IsAnomalous(r));
    }

    [Fact]
    public void Score_Row_OneOutsideAnyBandElseZero()
    {
        var bands = new BandFallback(new(2, 6), new(60, 80), new(1, 3), new(1, 3.5));

        bands.Score([4f, 70f, 2f, 2f, 0f, 1f]).ShouldBe(0f);
        bands.Score([4f, 70f, 2f, 3.6f, 0f, 1f]).ShouldBe(1f);
        bands.Score([1.9f, 70f, 2f, 2f, 0f, 1f]).ShouldBe(1f);
    }

    [Fact]
    public void Bands_Order_IsFeatureOrder()
    {
        fixture.Result.Fallback.Bands.Select(b => b.Key).ShouldBe(["temperature", "humidity", "power", "vibration"]);
    }
}
