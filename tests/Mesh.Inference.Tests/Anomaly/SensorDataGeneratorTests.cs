using Mesh.Inference.Anomaly;

namespace Mesh.Inference.Tests.Anomaly;

public sealed class SensorDataGeneratorTests
{
    private static readonly SensorDataOptions Options = new() { Seed = 7, Devices = 40, Days = 3, FaultRate = 0.05 };

    [Fact]
    public void Generate_SameSeed_IdenticalSamples()
    {
        SensorDataGenerator.Generate(Options).ShouldBe(SensorDataGenerator.Generate(Options));
    }

    [Fact]
    public void Generate_DifferentSeed_DifferentSamples()
    {
        var first = SensorDataGenerator.Generate(Options);
        var second = SensorDataGenerator.Generate(Options with { Seed = 8 });

        first.Zip(second).Count(p => p.First == p.Second).ShouldBeLessThan(first.Count / 100);
    }

    [Fact]
    public void Generate_FaultRate_InjectsConfiguredShareOfEveryKind()
    {
        var samples = SensorDataGenerator.Generate(Options);

        double share = samples.Count(s => s.IsAnomaly) / (double)samples.Count;
        share.ShouldBe(0.05, 0.005);
        var kinds = samples.Where(s => s.IsAnomaly).GroupBy(s => s.Fault).ToDictionary(g => g.Key, g => g.Count());
        kinds.Keys.Order().ShouldBe(Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None));
        kinds.Values.ShouldAllBe(count => count > samples.Count * 0.05 / 6 * 0.7);
    }

    [Fact]
    public void Generate_DefaultRate_AboutThreePercent()
    {
        var samples = SensorDataGenerator.Generate(Options with { FaultRate = new SensorDataOptions().FaultRate });

        (samples.Count(s => s.IsAnomaly) / (double)samples.Count).ShouldBe(0.03, 0.004);
    }

    [Fact]
    public void Generate_ZeroFaultRate_NoAnomalies()
    {
        SensorDataGenerator.Generate(Options with { FaultRate = 0 }).ShouldAllBe(s => !s.IsAnomaly);
    }

    [Fact]
    public void Device_FaultRateChanged_NormalReadingsUnchanged()
    {
        var faulty = SensorDataGenerator.Device(Options, 3).ToList();
        var clean = SensorDataGenerator.Device(Options with { FaultRate = 0 }, 3).ToList();

        var normalInBoth = faulty.Zip(clean).Where(p => !p.First.IsAnomaly).ToList();
        normalInBoth.Count.ShouldBeGreaterThan(faulty.Count / 2);
        normalInBoth.ShouldAllBe(p => p.First == p.Second);
    }

    [Fact]
    public void Device_FleetSize_DoesNotChangeADevice()
    {
        var alone = SensorDataGenerator.Device(Options, 5).ToList();
        var inFleet = SensorDataGenerator.Generate(Options).Where(s => s.Device == 5).ToList();

        inFleet.ShouldBe(alone);
    }

    [Fact]
    public void Generate_Timestamps_UtcAtIntervalOverDays()
    {
        var samples = SensorDataGenerator.Generate(Options with { Devices = 2, Interval = TimeSpan.FromMinutes(10) });

        var device = samples.Where(s => s.Device == 1).ToList();
        device.Count.ShouldBe(3 * 144);
        device[0].Timestamp.ShouldBe(Options.Start);
        device.ShouldAllBe(s => s.Timestamp.Offset == TimeSpan.Zero);
        device.Zip(device.Skip(1)).ShouldAllBe(p => p.Second.Timestamp - p.First.Timestamp == TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void Generate_NormalReadings_FollowDailyCycleAndCouplings()
    {
        var normal = SensorDataGenerator.Generate(Options).Where(s => !s.IsAnomaly).ToList();

        double Mean(int hour, Func<SensorSample, double> metric) =>
            normal.Where(s => s.Timestamp.Hour == hour).Average(metric);
        Mean(15, s => s.Temperature).ShouldBeGreaterThan(Mean(3, s => s.Temperature) + 0.3);
        Mean(15, s => s.Power).ShouldBeGreaterThan(Mean(3, s => s.Power) + 0.3);
        Mean(15, s => s.Humidity).ShouldBeLessThan(Mean(3, s => s.Humidity) - 1);
        Correlation(normal, s => s.Power, s => s.Vibration).ShouldBeGreaterThan(0.8);
        Correlation(normal, s => s.Temperature, s => s.Humidity).ShouldBeLessThan(-0.3);
        Correlation(normal, s => s.Temperature, s => s.Power).ShouldBeGreaterThan(0.2);
    }

    [Fact]
    public void Generate_NormalReadings_StayInPlausibleRanges()
    {
        var normal = SensorDataGenerator.Generate(Options).Where(s => !s.IsAnomaly).ToList();

        normal.ShouldAllBe(s => s.Temperature > 1 && s.Temperature < 7);
        normal.ShouldAllBe(s => s.Humidity > 55 && s.Humidity < 90);
        normal.ShouldAllBe(s => s.Power > 0.8 && s.Power < 3.5);
        normal.ShouldAllBe(s => s.Vibration > 0.8 && s.Vibration < 4);
    }

    [Fact]
    public void Generate_StuckAtZero_ReadsExactlyZero()
    {
        var stuck = SensorDataGenerator.Generate(Options).Where(s => s.Fault == FaultKind.StuckAtZero).ToList();

        stuck.ShouldNotBeEmpty();
        stuck.ShouldAllBe(s => s.Temperature == 0 || s.Humidity == 0 || s.Power == 0 || s.Vibration == 0);
    }

    [Fact]
    public void Validate_NegativeFaultRate_NamesTheOption()
    {
        Should.Throw<ArgumentException>(() => SensorDataGenerator.Generate(Options with { FaultRate = -0.1 }))
            .Message.ShouldContain("FaultRate");
    }

    private static double Correlation(IReadOnlyList<SensorSample> samples, Func<SensorSample, double> x, Func<SensorSample, double> y)
    {
        double mx = samples.Average(x), my = samples.Average(y);
        double sxy = samples.Sum(s => (x(s) - mx) * (y(s) - my));
        double sxx = samples.Sum(s => (x(s) - mx) * (x(s) - mx));
        double syy = samples.Sum(s => (y(s) - my) * (y(s) - my));
        return sxy / Math.Sqrt(sxx * syy);
    }
}
