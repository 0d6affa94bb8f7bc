using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Mesh.Cli.Demo;
using Mesh.Cli.Sim;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Node.Audit;
using Mesh.Node.Identity;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Identity;
using Microsoft.Data.Sqlite;

namespace Mesh.EndToEnd.Tests;

/// <summary>
/// A real mesh-node process signs its journal; someone with the box then tampers with a copy of the file in each of the
/// three ways a hash chain alone cannot stop or name, and <c>mesh audit verify</c> names each.
/// </summary>
public sealed class SignedCheckpointTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    public enum Tampering
    {
        ForgedRecord,
        RewrittenTail,
        ReplacedJournal,
    }

    [Theory]
    [InlineData(Tampering.ForgedRecord)]
    [InlineData(Tampering.RewrittenTail)]
    [InlineData(Tampering.ReplacedJournal)]
    public async Task TamperedJournal_AuditVerifyNamesTheTampering(Tampering tampering)
    {
        using var dir = new TempDirectory();
        await using var hub = await LocalHub.StartAsync(dir.Sub("hub"));
        var data = dir.Sub("edge-s");
        var port = NodeProcess.FreePort();
        var node = await NodeProcess.StartAsync(port, NodeArgs.For("edge-s", "site-a", data, hub.Address.ToString(),
            "--Node:Journal:CheckpointEveryRecords=50"));
        var sim = await new SensorSimulator().RunAsync(new SimulatorOptions
        {
            Port = port, Sites = ["site-a"], Devices = 4, ReadingsPerDevice = 40, Rate = 0,
        }, null, CancellationToken.None);
        sim.Acknowledged.ShouldBe(160);
        var journalPath = Path.Combine(data, AuditJournalStore.FileName);
        await Poll.UntilAsync(() => Checkpoints(journalPath).Count >= 3, Long, "the node signing its journal at least three times");
        await Poll.UntilAsync(async () => await PartitionTests.HubLastSeqAsync(hub, "edge-s") >= Checkpoints(journalPath)[2],
            Long, "the hub storing the node's first three checkpoints");
        node.Kill();
        node.Dispose();

        // The untampered journal verifies against the key in the node's own identity folder, and so does the hub's copy.
        var clean = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", journalPath);
        clean.ExitCode.ShouldBe(0, clean.ToString());
        Flat(clean.Stdout).ShouldContain("checkpoints verify, the last at seq");
        Flat(clean.Stdout).ShouldContain("as expected by the node's identity folder");
        var atHub = await MeshCli.RunWithHubTokenAsync(Long, hub.AdminToken, "audit", "verify", "--hub", hub.Address.ToString(), "--node", "edge-s");
        atHub.ExitCode.ShouldBe(0, atHub.ToString());
        Flat(atHub.Stdout).ShouldContain("as expected by the key the hub pinned for the node");

        using var nodeKey = NodeKey.Load(NodeKey.PathFor(data));
        var copy = dir.Sub("copy.db");
        Copy(journalPath, copy);
        var checkpoints = Checkpoints(copy);
        var expected = "";
        switch (tampering)
        {
            case Tampering.ForgedRecord:
                // A record before the first checkpoint edited in place: its stored hash no longer matches.
                var forged = FirstObservationAfter(copy, 0);
                Rewrite(copy, forged, forged, r => r with { Outcome = "forged" }, keepHashes: true);
                expected = $"forged record at seq {forged}";
                break;
            case Tampering.RewrittenTail:
                // A record after the second checkpoint edited and every hash after it recomputed: the chain holds again,
                // but the third checkpoint's signature covers the hash the chain had before.
                var edited = FirstObservationAfter(copy, checkpoints[1]);
                Rewrite(copy, edited, long.MaxValue, r => r.Sequence == edited ? r with { Outcome = "rewritten" } : r);
                expected = $"rewritten tail after checkpoint at seq {checkpoints[1]}";
                break;
            case Tampering.ReplacedJournal:
                // The whole journal written again and signed with a key of the intruder's own.
                using (var intruder = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    Rewrite(copy, 1, long.MaxValue, r => r, resign: intruder);
                    expected = $"replaced journal: checkpoints signed by key {NodePublicKey.Fingerprint(intruder.ExportSubjectPublicKeyInfo())[..16]}, "
                        + $"expected {nodeKey.Fingerprint[..16]}";
                }
                break;
        }

        var verify = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", copy, "--key", NodeKey.PathFor(data));
        verify.ExitCode.ShouldBe(1, verify.ToString());
        Flat(verify.Stdout).ShouldContain(expected, Case.Sensitive, verify.ToString());
        var byFingerprint = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", copy, "--fingerprint", nodeKey.Fingerprint);
        byFingerprint.ExitCode.ShouldBe(1, byFingerprint.ToString());
        Flat(byFingerprint.Stdout).ShouldContain(expected, Case.Sensitive, byFingerprint.ToString());
    }

    [Fact]
    public async Task AuditVerify_BadKeyArguments_UsageErrorNamingTheOption()
    {
        using var dir = new TempDirectory();
        var journal = dir.Sub("audit.db");

        var both = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", journal, "--key", dir.Sub("k.pem"), "--fingerprint", new string('a', 64));
        var shortPrint = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", journal, "--fingerprint", "abc");
        var hubWithoutNode = await MeshCli.RunAsync(Long, "audit", "verify", "--hub", "http://127.0.0.1:1", "--fingerprint", new string('a', 64));
        File.WriteAllText(dir.Sub("k.pem"), "not a key");
        var notAKey = await MeshCli.RunAsync(Long, "audit", "verify", "--journal", journal, "--key", dir.Sub("k.pem"));

        both.ExitCode.ShouldBe(2, both.ToString());
        (both.Stdout + both.Stderr).ShouldContain("give --key or --fingerprint, not both");
        shortPrint.ExitCode.ShouldBe(2, shortPrint.ToString());
        (shortPrint.Stdout + shortPrint.Stderr).ShouldContain("--fingerprint 'abc' must be 64 hex digits");
        hubWithoutNode.ExitCode.ShouldBe(2, hubWithoutNode.ToString());
        (hubWithoutNode.Stdout + hubWithoutNode.Stderr).ShouldContain("with --hub, give --node too");
        notAKey.ExitCode.ShouldBe(1, notAKey.ToString());
        Flat(notAKey.Stdout).ShouldContain($"--key {dir.Sub("k.pem")}: not an ECDSA key in PEM");
    }

    /// <summary>Output with line breaks folded, so a phrase matches however the console wrapped it.</summary>
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    /// <summary>A standalone copy of a journal (its write-ahead log folded in).</summary>
    private static void Copy(string from, string to)
    {
        using var c = AuditJournalStore.OpenReader(from);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "VACUUM INTO $to";
        cmd.Parameters.AddWithValue("$to", to);
        cmd.ExecuteNonQuery();
    }

    private static List<long> Checkpoints(string path)
    {
        using var c = AuditJournalStore.OpenReader(path);
        return AuditJournalStore.ReadAllOfKind(c, AuditKind.Checkpoint).Select(r => r.Sequence).ToList();
    }

    private static long FirstObservationAfter(string path, long seq)
    {
        using var c = AuditJournalStore.OpenReader(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MIN(seq) FROM audit WHERE kind = $k AND seq > $s";
        cmd.Parameters.AddWithValue("$k", (int)AuditKind.Observation);
        cmd.Parameters.AddWithValue("$s", seq);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Rewrites records <paramref name="from"/>..<paramref name="to"/> of a journal file as someone with the box
    /// would: <paramref name="edit"/> each, then (unless <paramref name="keepHashes"/>) re-link and re-hash it so the hash
    /// chain holds; checkpoints keep their signed bodies, or are signed again by <paramref name="resign"/>.</summary>
    private static void Rewrite(string path, long from, long to, Func<AuditRecord, AuditRecord> edit, bool keepHashes = false, ECDsa? resign = null)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        var rows = AuditJournalStore.ReadAfter(c, from - 1, 1_000_000).Where(r => r.Seq <= to).ToList();
        var previous = from == 1 ? AuditRecordCodec.GenesisHash.ToArray() : AuditJournalStore.ReadHash(c, from - 1)!;
        using var tx = c.BeginTransaction();
        foreach (var row in rows)
        {
            var record = edit(AuditRecordCodec.Decode(row.Canonical));
            if (!keepHashes)
                record = record with { PreviousHash = previous };
            if (resign is not null && record.Kind == AuditKind.Checkpoint)
                record = AuditCheckpoint.CreateRecord(record.NodeId, record.Site, record.Hlc, new ChainHead(record.Sequence - 1, previous),
                    resign.ExportSubjectPublicKeyInfo(), data => resign.SignData(data, HashAlgorithmName.SHA256), 50);
            var canonical = AuditRecordCodec.Encode(record);
            var hash = keepHashes ? row.Hash : AuditRecordCodec.ComputeHash(canonical);
            using var update = c.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE audit SET canonical = $c, hash = $h WHERE seq = $s";
            update.Parameters.AddWithValue("$c", canonical);
            update.Parameters.AddWithValue("$h", hash);
            update.Parameters.AddWithValue("$s", row.Seq);
            update.ExecuteNonQuery().ShouldBe(1);
            previous = hash;
        }
        tx.Commit();
    }
}
