using System.Text.Json;
using Mesh.Node.Replay;
using Mesh.Protocol.Audit;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>What must hold over the journals of all members of a multi-node site.</summary>
public static class SiteRecords
{
    /// <summary>Over the journals of all members: every acknowledged reading recorded; a reading recorded twice only
    /// when the killed member wrote it but died before acknowledging it; per device, the actions alternate (a rule's
    /// action is never sent twice in a row); each member's journal replays without divergence.</summary>
    public static void Assert(List<AuditRecord>[] journals, IReadOnlyDictionary<(string Site, string Device), IReadOnlyList<long>> ackedSeqs, int killed)
    {
        var observed = journals.SelectMany((j, member) => j.Where(r => r.Kind == AuditKind.Observation).Select(r => (r.MessageKey, member))).ToList();
        var keys = observed.Select(o => o.MessageKey).ToHashSet();
        ackedSeqs.SelectMany(kv => kv.Value.Select(seq => $"{kv.Key.Device}#{seq}")).Where(k => !keys.Contains(k)).ShouldBeEmpty("no acknowledged reading is lost");
        foreach (var twice in observed.GroupBy(o => o.MessageKey).Where(g => g.Count() > 1))
        {
            twice.Count().ShouldBe(2, $"{twice.Key} recorded more than twice");
            twice.Count(o => o.member == killed).ShouldBe(1, $"{twice.Key} recorded twice, but not because the killed member never acknowledged it");
        }

        var actions = journals.SelectMany(j => j.Where(r => r.Kind == AuditKind.Action))
            .Select(r => (r.Device, Seq: long.Parse(r.MessageKey.Split('#')[1].Split('/')[0]), r.MessageKey, Action: JsonDocument.Parse(r.Body).RootElement.GetProperty("action").GetString()!))
            .DistinctBy(a => a.MessageKey)
            .GroupBy(a => a.Device);
        foreach (var device in actions)
        {
            var ordered = device.OrderBy(a => a.Seq).ToList();
            for (var i = 1; i < ordered.Count; i++)
                ordered[i].Action.ShouldNotBe(ordered[i - 1].Action, $"{device.Key}: '{ordered[i].Action}' sent again at reading {ordered[i].Seq} after reading {ordered[i - 1].Seq}");
        }

        foreach (var journal in journals)
        {
            var replay = new ReplayEngine();
            foreach (var record in journal)
                replay.Feed(record);
            var report = replay.Finish();
            report.Divergences.ShouldBeEmpty();
            report.Problems.ShouldBeEmpty();
        }
    }
}
