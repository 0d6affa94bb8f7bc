using Google.Protobuf;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Tests.Crdt;

public sealed class SiteEntryCodecTests
{
    private static readonly HlcTimestamp Stamp = new(1_790_000_000_000, 2, "edge-a");

    public static TheoryData<SiteEntry> Entries() => new()
    {
        new ModeEntry("mode/fan-1", new LwwRegister<DeviceMode>(new DeviceMode("cooling-on", "overheat", 10, 7, 4.5), Stamp)),
        new AlarmsEntry("alarms/fan-1", OrSet<string>.Empty.Add("edge-a", "overheat").Add("edge-b", "heat-alarm").Remove("overheat")),
        new BudgetEntry("budget/2026-11-24", PnCounter.Zero.Add("edge-a", 1500).Add("edge-b", 20).Add("edge-a", -300)),
        new CommandsEntry("commands/fan-1", MvRegister<DeviceCommand>.Empty.Write("edge-a", new DeviceCommand("cooling-on", "overheat", 10, Stamp, 7))
            .Merge(MvRegister<DeviceCommand>.Empty.Write("edge-b", new DeviceCommand("cooling-off", "eco", 5, Stamp with { NodeId = "edge-b" }, 8)))),
        new CommandsEntry("commands/fan-1", MvRegister<DeviceCommand>.Empty.Write("edge-a", new DeviceCommand("cooling-off", "eco", 5, Stamp, 8)
        {
            Settles = [new("edge-a", 1, new DeviceCommand("cooling-on", "overheat", 10, Stamp, 7)), new("edge-b", 1, new DeviceCommand("cooling-off", "eco", 5, Stamp with { NodeId = "edge-b" }, 8))],
        })),
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Decode_EncodedEntry_IsTheSameEntry(SiteEntry entry)
    {
        var wire = CrdtEntry.Parser.ParseFrom(SiteEntryCodec.Encode(entry).ToByteArray());
        var back = SiteEntryCodec.Decode(wire, out var error);
        error.ShouldBeNull();
        back.ShouldBe(entry);
    }

    public static TheoryData<string, CrdtEntry, string> Malformed() => new()
    {
        { "unknown key", new CrdtEntry { Key = "setpoint/fan-1", Lww = Lww("{}") }, "none of mode/, alarms/, budget/, commands/" },
        { "bad device", new CrdtEntry { Key = "mode/fan 1", Lww = Lww("{}") }, "valid device id" },
        { "bad day", new CrdtEntry { Key = "budget/24-11-2026", Counter = new PnCounterValue() }, "a day (yyyy-MM-dd)" },
        { "kind mismatch", new CrdtEntry { Key = "mode/fan-1", Counter = new PnCounterValue() }, "holds a Counter value" },
        { "no stamp", new CrdtEntry { Key = "mode/fan-1", Lww = new LwwValue { Value = ByteString.CopyFromUtf8("""{"mode":"on","rule":"r"}""") } }, "has no stamp" },
        { "not json", new CrdtEntry { Key = "mode/fan-1", Lww = Lww("on") }, "entry 'mode/fan-1'" },
        { "mode without name", new CrdtEntry { Key = "mode/fan-1", Lww = Lww("""{"rule":"r"}""") }, "a mode without its name" },
        { "negative count", new CrdtEntry { Key = "budget/2026-11-24", Counter = new PnCounterValue { Increments = { new NodeCount { NodeId = "a", Count = -1 } } } }, "negative count" },
        { "node twice", new CrdtEntry { Key = "budget/2026-11-24", Counter = new PnCounterValue { Increments = { new NodeCount { NodeId = "a", Count = 1 }, new NodeCount { NodeId = "a", Count = 2 } } } }, "a node twice" },
        { "dot outside context", new CrdtEntry { Key = "alarms/fan-1", Dots = new DotKernelValue { Entries = { new DotValue { NodeId = "a", Counter = 3, Value = ByteString.CopyFromUtf8("x") } } } }, "not in the causal context" },
        { "empty alarm", new CrdtEntry { Key = "alarms/fan-1", Dots = new DotKernelValue { Entries = { new DotValue { NodeId = "a", Counter = 1 } }, Context = { new NodeCount { NodeId = "a", Count = 1 } } } }, "an alarm of 0 bytes" },
        { "settles one value", Settling("""[{"nodeId":"a","counter":1,"command":{"action":"x","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"a"},"readingSeq":1}}]"""), "settling 1 values" },
        { "settled value twice", Settling("""[{"nodeId":"a","counter":1,"command":{"action":"x","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"a"},"readingSeq":1}},{"nodeId":"a","counter":1,"command":{"action":"y","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"b"},"readingSeq":1}}]"""), "the value a:1 twice" },
        { "settled value without dot", Settling("""[{"counter":1,"command":{"action":"x","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"a"},"readingSeq":1}},{"nodeId":"b","counter":1,"command":{"action":"y","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"b"},"readingSeq":1}}]"""), "without its dot or command" },
        { "settled value without action", Settling("""[{"nodeId":"a","counter":1,"command":{"rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"a"},"readingSeq":1}},{"nodeId":"b","counter":1,"command":{"action":"y","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"b"},"readingSeq":1}}]"""), "without its action" },
        { "settled value settling", Settling("""[{"nodeId":"a","counter":1,"command":{"action":"x","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"a"},"readingSeq":1,"settles":[]}},{"nodeId":"b","counter":1,"command":{"action":"y","rule":"r","priority":1,"stamp":{"wallMillis":1,"counter":0,"nodeId":"b"},"readingSeq":1}}]"""), "settles values itself" },
    };

    /// <summary>A command register whose one value settles the values in <paramref name="settlesJson"/>.</summary>
    private static CrdtEntry Settling(string settlesJson) => new()
    {
        Key = "commands/fan-1",
        Dots = new DotKernelValue
        {
            Entries = { new DotValue { NodeId = "a", Counter = 2, Value = ByteString.CopyFromUtf8($$"""{"action":"y","rule":"r","priority":1,"stamp":{"wallMillis":2,"counter":0,"nodeId":"a"},"readingSeq":1,"settles":{{settlesJson}}}""") } },
            Context = { new NodeCount { NodeId = "a", Count = 2 } },
        },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_MalformedEntry_RefusedWithTheReason(string because, CrdtEntry entry, string expected)
    {
        SiteEntryCodec.Decode(entry, out var error).ShouldBeNull(because);
        error.ShouldNotBeNull().ShouldContain(expected, Case.Sensitive, because);
    }

    private static LwwValue Lww(string json) => new() { Value = ByteString.CopyFromUtf8(json), Stamp = new HlcStamp { WallMillis = 1, NodeId = "a" } };
}
