using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// The wire form of <see cref="SiteEntry"/> (<see cref="CrdtEntry"/> in mesh.proto), shared by the node, the site's
/// cluster and the hub. Decoding checks everything: a malformed entry is refused with what is wrong and where.
/// </summary>
public static class SiteEntryCodec
{
    /// <summary>Most values in one OR-set or register, and most nodes in one counter or context.</summary>
    public const int MaxItems = 1024;

    /// <summary>Largest encoded value (a mode, a command, an alarm id).</summary>
    public const int MaxValueBytes = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CrdtEntry Encode(SiteEntry entry)
    {
        var e = new CrdtEntry { Key = entry.Key };
        switch (entry)
        {
            case ModeEntry m:
                e.Lww = new LwwValue { Value = Bytes(m.Register.Value), Stamp = Stamp(m.Register.Stamp) };
                break;
            case AlarmsEntry a:
                e.Dots = Kernel(a.Alarms.Kernel, v => ByteString.CopyFromUtf8(v));
                break;
            case CommandsEntry c:
                e.Dots = Kernel(c.Commands.Kernel, Bytes);
                break;
            case BudgetEntry b:
                e.Counter = new PnCounterValue();
                e.Counter.Increments.AddRange(b.Spent.Increments.Select(i => new NodeCount { NodeId = i.Key, Count = i.Value }));
                e.Counter.Decrements.AddRange(b.Spent.Decrements.Select(i => new NodeCount { NodeId = i.Key, Count = i.Value }));
                break;
            default:
                throw new ArgumentException($"unknown site entry {entry.GetType().Name}", nameof(entry));
        }
        return e;
    }

    /// <summary>The entry, or null with <paramref name="error"/> saying what is wrong (naming the key).</summary>
    public static SiteEntry? Decode(CrdtEntry e, out string? error)
    {
        try
        {
            error = null;
            var kind = SiteKeys.KindOf(e.Key, out var keyProblem);
            if (kind is null)
            {
                error = keyProblem;
                return null;
            }
            return kind switch
            {
                SiteEntryKind.Mode when e.ValueCase == CrdtEntry.ValueOneofCase.Lww =>
                    new ModeEntry(e.Key, new LwwRegister<DeviceMode>(Checked(Value<DeviceMode>(e.Lww.Value, "mode")), ReadStamp(e.Lww.Stamp))),
                SiteEntryKind.Alarms when e.ValueCase == CrdtEntry.ValueOneofCase.Dots =>
                    new AlarmsEntry(e.Key, OrSet<string>.Of(ReadKernel(e.Dots, b => Text(b, "alarm")))),
                SiteEntryKind.Commands when e.ValueCase == CrdtEntry.ValueOneofCase.Dots =>
                    new CommandsEntry(e.Key, MvRegister<DeviceCommand>.Of(ReadKernel(e.Dots, b => Checked(Value<DeviceCommand>(b, "command"))))),
                SiteEntryKind.Budget when e.ValueCase == CrdtEntry.ValueOneofCase.Counter =>
                    new BudgetEntry(e.Key, PnCounter.Of(Counts(e.Counter.Increments, "increments"), Counts(e.Counter.Decrements, "decrements"))),
                _ => throw new FormatException($"holds a {e.ValueCase} value, which a {kind} key cannot"),
            };
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or JsonException)
        {
            error = $"entry '{(e.Key.Length <= 80 ? e.Key : e.Key[..80] + "…")}': {ex.Message}";
            return null;
        }
    }

    private static ByteString Bytes<T>(T value) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, Json));

    private static HlcStamp Stamp(HlcTimestamp t) => new() { WallMillis = t.WallMillis, Counter = t.Counter, NodeId = t.NodeId };

    private static DotKernelValue Kernel<T>(DotKernel<T> kernel, Func<T, ByteString> encode)
    {
        var k = new DotKernelValue();
        k.Entries.AddRange(kernel.Entries.Select(d => new DotValue { NodeId = d.Key.NodeId, Counter = d.Key.Counter, Value = encode(d.Value) }));
        k.Context.AddRange(kernel.Context.Counters.Select(c => new NodeCount { NodeId = c.Key, Count = c.Value }));
        return k;
    }

    private static HlcTimestamp ReadStamp(HlcStamp? s)
    {
        if (s is null)
            throw new FormatException("has no stamp");
        if (string.IsNullOrEmpty(s.NodeId) || s.WallMillis < 0 || s.Counter < 0)
            throw new FormatException("has a stamp without a node id or with negative time");
        return new HlcTimestamp(s.WallMillis, s.Counter, s.NodeId);
    }

    private static DotKernel<T> ReadKernel<T>(DotKernelValue k, Func<ByteString, T> decode)
    {
        if (k.Entries.Count > MaxItems || k.Context.Count > MaxItems)
            throw new FormatException($"holds {k.Entries.Count} values and {k.Context.Count} context nodes; the limit is {MaxItems}");
        var context = VersionVector.Of(Counts(k.Context, "context"));
        var entries = new List<KeyValuePair<Dot, T>>(k.Entries.Count);
        var seen = new HashSet<Dot>();
        foreach (var d in k.Entries)
        {
            var dot = new Dot(d.NodeId, d.Counter);
            if (string.IsNullOrEmpty(d.NodeId) || d.Counter < 1)
                throw new FormatException($"value {dot} has no node id or a counter below 1");
            if (!seen.Add(dot))
                throw new FormatException($"value {dot} appears twice");
            entries.Add(KeyValuePair.Create(dot, decode(d.Value)));
        }
        return DotKernel<T>.Of(entries, context);
    }

    private static IEnumerable<KeyValuePair<string, long>> Counts(IEnumerable<NodeCount> counts, string what)
    {
        var list = counts.ToList();
        if (list.Count > MaxItems)
            throw new FormatException($"{what} name {list.Count} nodes; the limit is {MaxItems}");
        if (list.Any(c => string.IsNullOrEmpty(c.NodeId) || c.Count < 0))
            throw new FormatException($"{what} hold an empty node id or a negative count");
        if (list.Select(c => c.NodeId).Distinct(StringComparer.Ordinal).Count() != list.Count)
            throw new FormatException($"{what} name a node twice");
        return list.Select(c => KeyValuePair.Create(c.NodeId, c.Count));
    }

    private static T Value<T>(ByteString bytes, string what)
    {
        if (bytes.Length > MaxValueBytes)
            throw new FormatException($"a {what} of {bytes.Length} bytes; the limit is {MaxValueBytes}");
        return JsonSerializer.Deserialize<T>(bytes.Span, Json) ?? throw new FormatException($"a {what} is null");
    }

    private static DeviceMode Checked(DeviceMode m) =>
        string.IsNullOrEmpty(m.Mode) || m.Rule is null ? throw new FormatException("a mode without its name or rule") : m;

    /// <summary>The most register values one settling command may carry.</summary>
    public const int MaxSettled = 64;

    private static DeviceCommand Checked(DeviceCommand c)
    {
        if (string.IsNullOrEmpty(c.Action) || c.Rule is null || string.IsNullOrEmpty(c.Stamp.NodeId) || c.Stamp.WallMillis < 0)
            throw new FormatException("a command without its action, rule or stamp");
        if (c.Settles is not { } settled)
            return c;
        if (settled.Count is < 2 or > MaxSettled)
            throw new FormatException($"a command settling {settled.Count} values; it settles 2..{MaxSettled}");
        var dots = new HashSet<Dot>();
        foreach (var s in settled)
        {
            if (s is null || string.IsNullOrEmpty(s.NodeId) || s.Counter <= 0 || s.Command is null)
                throw new FormatException("a settled value without its dot or command");
            if (!dots.Add(s.Dot))
                throw new FormatException($"a command settling the value {s.Dot} twice");
            if (s.Command.Settles is not null)
                throw new FormatException($"a settled value {s.Dot} that settles values itself");
            Checked(s.Command);
        }
        return c;
    }

    private static string Text(ByteString bytes, string what)
    {
        if (bytes.Length is 0 or > MaxValueBytes)
            throw new FormatException($"an {what} of {bytes.Length} bytes; it must be 1..{MaxValueBytes}");
        return Encoding.UTF8.GetString(bytes.Span);
    }
}
