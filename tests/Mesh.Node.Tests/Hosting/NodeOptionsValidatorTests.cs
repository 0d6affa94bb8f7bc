namespace Mesh.Node.Tests.Hosting;

public sealed class NodeOptionsValidatorTests
{
    private static readonly NodeOptions Valid = new() { NodeId = "edge-1", Site = "site-a" };

    private static IReadOnlyList<string> Errors(NodeOptions o) =>
        new NodeOptionsValidator().Validate(null, o).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_Defaults_Pass()
    {
        Errors(Valid).ShouldBeEmpty();
        Valid.Journal.DiskBudgetBytes.ShouldBe(1L << 30);
        Valid.Sync.MaxCatchUpRecordsPerSecond.ShouldBe(200_000);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L << 20)]
    [InlineData(1L << 40)]
    public void Validate_DiskBudgetZeroOrAtLeastOneMebibyte_Passes(long budget) =>
        Errors(Valid with { Journal = new JournalOptions { DiskBudgetBytes = budget } }).ShouldBeEmpty();

    [Theory]
    [InlineData(-1L)]
    [InlineData(1000L)]
    public void Validate_DiskBudgetBelowOneMebibyte_NamesTheKey(long budget) =>
        Errors(Valid with { Journal = new JournalOptions { DiskBudgetBytes = budget } })
            .ShouldHaveSingleItem().ShouldStartWith($"Node:Journal:DiskBudgetBytes {budget} must be 0 (unlimited) or at least 1048576");

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Validate_CheckpointEveryRecordsOutOfRange_NamesTheKey(int every) =>
        Errors(Valid with { Journal = new JournalOptions { CheckpointEveryRecords = every } })
            .ShouldHaveSingleItem().ShouldStartWith($"Node:Journal:CheckpointEveryRecords {every} must be within 1..100000");

    [Theory]
    [InlineData(0.05)]
    [InlineData(3601)]
    public void Validate_CheckpointEveryOutOfRange_NamesTheKey(double seconds) =>
        Errors(Valid with { Journal = new JournalOptions { CheckpointEvery = TimeSpan.FromSeconds(seconds) } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Journal:CheckpointEvery ");

    [Fact]
    public void Defaults_DeviceCredentialsRequired_DevicesFileInTheDataDirectory()
    {
        Valid.Devices.AllowAnonymous.ShouldBeFalse();
        Valid.Devices.PathIn("/var/lib/mesh").ShouldBe(Path.Combine("/var/lib/mesh", "devices.yaml"));
        (Valid.Devices with { File = "/etc/mesh/devices.yaml" }).PathIn("/var/lib/mesh").ShouldBe("/etc/mesh/devices.yaml");
    }

    [Fact]
    public void Validate_DevicesPollIntervalAndRefusalLimitOutOfRange_NameTheKeys() =>
        Errors(Valid with { Devices = new DeviceAccessOptions { PollInterval = TimeSpan.Zero, MaxAuditedRefusalsPerMinute = -1 } })
            .ShouldBe(["Node:Devices:PollInterval 00:00:00 must be within 50 ms .. 1 h", "Node:Devices:MaxAuditedRefusalsPerMinute -1 must be within 0..100000"]);

    [Fact]
    public void Validate_NegativeReconnectJitter_NamesTheKey() =>
        Errors(Valid with { Sync = new SyncOptions { ReconnectJitter = TimeSpan.FromSeconds(-1) } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Sync:ReconnectJitter");

    [Fact]
    public void Validate_NegativeCatchUpRate_NamesTheKey() =>
        Errors(Valid with { Sync = new SyncOptions { MaxCatchUpRecordsPerSecond = -5 } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Sync:MaxCatchUpRecordsPerSecond -5 must be 0 (unlimited)");

    [Theory]
    [InlineData(0.5)]
    [InlineData(601)]
    public void Validate_DecisionTimeoutOutOfRange_NamesTheKey(double seconds) =>
        Errors(Valid with { Ingest = new IngestOptions { DecisionTimeout = TimeSpan.FromSeconds(seconds) } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Ingest:DecisionTimeout");

    [Theory]
    [InlineData("collector:4318", 0.1, "Node:Telemetry:OtlpEndpoint 'collector:4318' must be an http:// or https:// address")]
    [InlineData("http://127.0.0.1:4318", 1.5, "Node:Telemetry:TraceSampleRatio 1.5 must be within 0..1")]
    [InlineData("", -0.1, "Node:Telemetry:TraceSampleRatio -0.1 must be within 0..1")]
    public void Validate_BadTraceExport_NamesTheKey(string endpoint, double ratio, string expected) =>
        Errors(Valid with { Telemetry = new TelemetryOptions { OtlpEndpoint = endpoint, TraceSampleRatio = ratio } })
            .ShouldHaveSingleItem().ShouldStartWith(expected);

    [Fact]
    public void Validate_OtlpEndpointAndRatio_Pass() =>
        Errors(Valid with { Telemetry = new TelemetryOptions { OtlpEndpoint = "https://otel.example:4318", TraceSampleRatio = 1 } }).ShouldBeEmpty();

    [Theory]
    [InlineData("", "Node:Cluster:Seeds is empty")]
    [InlineData("10.0.0.1", "Node:Cluster:Seeds:0 '10.0.0.1' is not host:port")]
    [InlineData("10.0.0.1:0", "Node:Cluster:Seeds:0 '10.0.0.1:0' has no valid port")]
    public void Validate_ClusterWithBadSeeds_NamesTheKey(string seed, string expected) =>
        Errors(Valid with { Cluster = new SiteClusterOptions { Enabled = true, Seeds = seed.Length == 0 ? [] : [seed] } })
            .ShouldHaveSingleItem().ShouldStartWith(expected);

    [Fact]
    public void Validate_ClusterRemovalMarginTooShort_NamesTheKey() =>
        Errors(Valid with { Cluster = new SiteClusterOptions { Enabled = true, Seeds = ["127.0.0.1:4053"], RemovalMargin = TimeSpan.FromMilliseconds(50) } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Cluster:RemovalMargin");

    [Fact]
    public void Validate_ClusterOffWithNoSeeds_Passes() =>
        Errors(Valid with { Cluster = new SiteClusterOptions { Enabled = false } }).ShouldBeEmpty();

    [Fact]
    public void Validate_EnrollmentTokenMalformed_NamesTheKey() =>
        Errors(Valid with { Sync = new SyncOptions { HubUrl = "https://127.0.0.1:5443" }, Enrollment = new NodeEnrollmentOptions { Token = "nonsense" } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Enrollment:Token: an enrollment token has two parts");

    [Fact]
    public void Validate_EnrollmentTokenWithoutHttpsHub_SaysWhereToEnroll()
    {
        var token = Mesh.Protocol.Identity.EnrollmentToken.Create(new string('a', 64)).ToString();
        Errors(Valid with { Sync = new SyncOptions { HubUrl = "http://127.0.0.1:5080" }, Enrollment = new NodeEnrollmentOptions { Token = token } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Enrollment:Token is set but there is no https:// hub to enroll at");
        Errors(Valid with { Enrollment = new NodeEnrollmentOptions { Token = token, HubUrl = "https://127.0.0.1:5443" } }).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_EnrollmentHubUrlNotHttps_NamesTheKey() =>
        Errors(Valid with { Enrollment = new NodeEnrollmentOptions { HubUrl = "http://127.0.0.1:5443" } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Enrollment:HubUrl 'http://127.0.0.1:5443' must be an absolute https:// URL");
}
