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
}
