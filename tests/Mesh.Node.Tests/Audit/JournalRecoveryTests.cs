using System.Runtime.CompilerServices;
using Google.Protobuf;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;
using Mesh.Node.Tests.Support;
using Mesh.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Node.Tests.Audit;

/// <summary>
/// <see cref="JournalRecovery"/> on real damaged SQLite files. The hub's side here is records handed over as the hub
/// would send them (what the real hub sends is covered end to end in JournalCorruptionTests): a node without a hub keeps
/// the verified prefix; a hub whose history differs stops the rebuild with nothing changed.
/// </summary>
public sealed class JournalRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string JournalPath => Path.Combine(_dir.Path, AuditJournalStore.FileName);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Rebuild_WithoutHub_KeepsTheVerifiedPrefixAndTheDamagedFile()
    {
        await WriteJournalAsync(400);
        DamageLastPage();
        var damaged = await File.ReadAllBytesAsync(JournalPath);

        var rebuild = await JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", hub: null, CancellationToken.None);

        rebuild.FromHub.ShouldBe(0);
        rebuild.HubHead.ShouldBe(-1);
        rebuild.Salvaged.ShouldBe(rebuild.Head);
        rebuild.Head.ShouldBeInRange(200, 399, "most of the file reads; the damaged page's records do not");
        rebuild.StoppedAt.ShouldContain($"after sequence {rebuild.Head}");
        var records = ReadAll();
        records.Count.ShouldBe((int)rebuild.Head);
        ChainVerifier.Verify(records, nodeId: "edge-1").Ok.ShouldBeTrue();
        (await File.ReadAllBytesAsync(rebuild.DamagedCopy)).ShouldBe(damaged);
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(damaged)).ShouldBe(rebuild.DamagedSha256);

        // The rebuilt file opens as a journal and goes on from its head, recording the rebuild.
        await using var journal = Open();
        await journal.AppendAsync([rebuild.Draft()]);
        var last = ReadAll()[^1];
        last.Kind.ShouldBe(AuditKind.JournalRecovered);
        last.Sequence.ShouldBe(rebuild.Head + 1);
    }

    [Fact]
    public async Task Rebuild_HubHoldsMore_FillsTheGapFromTheHubAndChecksTheChain()
    {
        var all = await WriteJournalAsync(400);
        DamageLastPage();

        var rebuild = await JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", Hub(all, all.Count), CancellationToken.None);

        rebuild.Head.ShouldBe(400);
        rebuild.HubHead.ShouldBe(400);
        (rebuild.Salvaged + rebuild.FromHub).ShouldBe(400);
        rebuild.FromHub.ShouldBeGreaterThan(0);
        ReadAll().ShouldBe(all);
    }

    [Fact]
    public async Task Rebuild_HubHistoryDiffers_RefusedAndNothingChanged()
    {
        var all = await WriteJournalAsync(400);
        DamageLastPage();
        var damaged = await File.ReadAllBytesAsync(JournalPath);
        // The hub's records of another history: same sequences, other hashes.
        var other = all.Select(r => r with { Hash = System.Security.Cryptography.SHA256.HashData(r.Hash.Span) }).ToList();

        var ex = await Should.ThrowAsync<JournalRecoveryException>(() => JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", Hub(other, other.Count), CancellationToken.None));

        ex.Message.ShouldContain("forked");
        (await File.ReadAllBytesAsync(JournalPath)).ShouldBe(damaged);
        Directory.GetFiles(_dir.Path, "audit.db.damaged-*").ShouldBeEmpty();
    }

    [Fact]
    public async Task Rebuild_NothingReadsAndNoHub_RefusedAndNothingChanged()
    {
        await WriteJournalAsync(50);
        var garbage = new byte[8192];
        new Random(3).NextBytes(garbage);
        await File.WriteAllBytesAsync(JournalPath, garbage);

        var ex = await Should.ThrowAsync<JournalRecoveryException>(() => JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", hub: null, CancellationToken.None));

        ex.Message.ShouldContain("no hub");
        (await File.ReadAllBytesAsync(JournalPath)).ShouldBe(garbage);
    }

    [Fact]
    public async Task Rebuild_ARowThatDoesNotDecode_SalvageStopsBeforeItAndTheHubFillsIn()
    {
        var all = await WriteJournalAsync(100);
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = JournalPath, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET canonical = x'0102030405' WHERE seq = 60";
            cmd.ExecuteNonQuery();
        }
        var progress = new List<(long Read, long HubHead)>();

        var rebuild = await JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", Hub(all, all.Count), CancellationToken.None,
            (read, head) => progress.Add((read, head)));

        rebuild.Salvaged.ShouldBe(59);
        rebuild.FromHub.ShouldBe(41);
        rebuild.StoppedAt.ShouldStartWith("record 60 does not decode");
        ReadAll().ShouldBe(all);
        progress.ShouldNotBeEmpty();
        progress[^1].ShouldBe((41L, 100L));
    }

    [Fact]
    public async Task Rebuild_HubSendsARecordThatDoesNotDecode_RefusedNamingItAndNothingChanged()
    {
        var all = await WriteJournalAsync(400);
        DamageLastPage();
        var damaged = await File.ReadAllBytesAsync(JournalPath);
        HubReadBack garbled = (from, ct) => Garbled(all, from, ct);

        var ex = await Should.ThrowAsync<JournalRecoveryException>(() => JournalRecovery.RebuildAsync(JournalPath, "edge-1", "test", garbled, CancellationToken.None));

        ex.Message.ShouldContain("does not decode");
        (await File.ReadAllBytesAsync(JournalPath)).ShouldBe(damaged);
    }

    private static async IAsyncEnumerable<ReadBackReply> Garbled(List<AuditRecord> held, long from, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var reply in Replies(held, held.Count, from, ct))
        {
            if (reply.Records.Count > 1)
                reply.Records[1] = new AuditRecordEnvelope { Canonical = ByteString.CopyFrom([1, 2, 3]), Hash = reply.Records[1].Hash };
            yield return reply;
        }
    }

    [Fact]
    public async Task CompleteInterrupted_RebuiltFileLeftWithoutAJournal_TakesItsPlace_OtherwiseNothing()
    {
        var all = await WriteJournalAsync(20);
        JournalRecovery.CompleteInterrupted(JournalPath).ShouldBeFalse("a journal is in place");
        File.Move(JournalPath, JournalPath + ".rebuilding");

        JournalRecovery.CompleteInterrupted(JournalPath).ShouldBeTrue();

        ReadAll().ShouldBe(all);
        File.Exists(JournalPath + ".rebuilding").ShouldBeFalse();
        JournalRecovery.CompleteInterrupted(JournalPath).ShouldBeFalse();
    }

    private AuditJournal Open() =>
        new(JournalPath, "edge-1", "site-a", new HybridLogicalClock("edge-1"), new JournalOptions { SignCheckpoints = false }, NullLogger<AuditJournal>.Instance);

    private async Task<List<AuditRecord>> WriteJournalAsync(int count)
    {
        await using (var journal = Open())
            await journal.AppendAsync([.. Enumerable.Range(1, count).Select(i =>
                new AuditDraft(AuditKind.Observation, "dev-1", $"dev-1#{i}", new byte[32], AuditRoute.None, "rules/x", "", "", "accepted", "{}"))]);
        return ReadAll();
    }

    /// <summary>Overwrites the file's last page with garbage after folding the WAL into it, as JournalCorruptionTests does.</summary>
    private void DamageLastPage()
    {
        using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = JournalPath, Pooling = false }.ToString()))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            cmd.ExecuteNonQuery();
        }
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        using var file = new FileStream(JournalPath, FileMode.Open, FileAccess.ReadWrite);
        file.Seek(-garbage.Length, SeekOrigin.End);
        file.Write(garbage);
    }

    private List<AuditRecord> ReadAll()
    {
        using var c = AuditJournalStore.OpenReader(JournalPath);
        return AuditJournalStore.ReadAfter(c, 0, 100_000).Select(r => AuditRecordCodec.Decode(r.Canonical) with { Hash = r.Hash }).ToList();
    }

    /// <summary>Replies as the hub's ReadBack makes them: the head first, then the records from the asked sequence in batches.</summary>
    private static HubReadBack Hub(List<AuditRecord> held, int head) => (from, ct) => Replies(held, head, from, ct);

    private static async IAsyncEnumerable<ReadBackReply> Replies(List<AuditRecord> held, int head, long from, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var chunk in held.Where(r => r.Sequence >= from && r.Sequence <= head).Chunk(100).DefaultIfEmpty([]))
        {
            ct.ThrowIfCancellationRequested();
            var reply = new ReadBackReply { HubHeadSeq = (ulong)head, HubHeadHash = ByteString.CopyFrom(held[head - 1].Hash.Span) };
            reply.Records.AddRange(chunk.Select(r => new AuditRecordEnvelope { Canonical = ByteString.CopyFrom(AuditRecordCodec.Encode(r)), Hash = ByteString.CopyFrom(r.Hash.Span) }));
            yield return reply;
        }
    }
}
