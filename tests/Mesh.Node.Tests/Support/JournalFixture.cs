using Mesh.Node.Audit;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Time;

namespace Mesh.Node.Tests.Support;

/// <summary>A real audit journal in a scratch directory, with a policy host over it (built-in policy first).</summary>
public sealed class JournalFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();

    public JournalFixture()
    {
        Journal = Open();
        Lookup = new JournalLookup(Journal);
    }

    public string Directory => _dir.Path;

    public string JournalPath => Path.Combine(_dir.Path, AuditJournalStore.FileName);

    public AuditJournal Journal { get; private set; }

    public JournalLookup Lookup { get; private set; }

    public LogSink Logs { get; } = new();

    public AuditJournal Open() =>
        new(JournalPath, "edge-1", TestPolicies.Site, new HybridLogicalClock("edge-1"), new JournalOptions(), Logs.For<AuditJournal>());

    /// <summary>A policy host as the node builds it; not started.</summary>
    public PolicyHost NewHost(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? attributes = null) =>
        new(TestPolicies.Site, BuiltInPolicy.For(TestPolicies.Site, [ThresholdRule.DefaultCooling]),
            attributes ?? new Dictionary<string, IReadOnlyDictionary<string, string>>(), Journal, Lookup, Logs.For<PolicyHost>());

    /// <summary>Closes the journal and opens it again, as a node restart does.</summary>
    public async Task ReopenAsync()
    {
        Lookup.Dispose();
        await Journal.DisposeAsync();
        Journal = Open();
        Lookup = new JournalLookup(Journal);
    }

    public List<AuditRecord> Records()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash }).ToList();
    }

    public AuditRecord? LastActivated()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadLastOfKind(c, AuditKind.PolicyActivated);
    }

    public async ValueTask DisposeAsync()
    {
        Lookup.Dispose();
        await Journal.DisposeAsync();
        _dir.Dispose();
    }
}
