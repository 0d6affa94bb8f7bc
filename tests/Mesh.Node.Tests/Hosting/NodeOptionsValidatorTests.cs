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

    [Fact]
    public void Validate_NegativeReconnectJitter_NamesTheKey() =>
        Errors(Valid with { Sync = new SyncOptions { ReconnectJitter = TimeSpan.FromSeconds(-1) } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Sync:ReconnectJitter");

    [Fact]
    public void Validate_NegativeCatchUpRate_NamesTheKey() =>
        Errors(Valid with { Sync = new SyncOptions { MaxCatchUpRecordsPerSecond = -5 } })
            .ShouldHaveSingleItem().ShouldStartWith("Node:Sync:MaxCatchUpRecordsPerSecond -5 must be 0 (unlimited)");
}
