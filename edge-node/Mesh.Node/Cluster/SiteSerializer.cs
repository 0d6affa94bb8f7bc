using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Mesh.Node.Agents;
using Google.Protobuf;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Time;

namespace Mesh.Node.Cluster;

/// <summary>
/// Encodes what the members of a site send each other: the device agents' commands and replies (JSON) and the
/// replicated device state (a compact binary form of the LWW register). Manifests are part of the wire format
/// between members of different versions: never reuse one.
/// </summary>
public sealed class SiteSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7302;
    private const string Observe = "obs1";
    private const string Decide = "dap1";
    private const string Wake = "wak1";
    private const string Recorded = "rec1";
    private const string Replica = "rpl1";
    private const string Bucket = "sst1";
    private const string Command = "cmd1";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        DeviceCommands.Observe => Observe,
        DeviceCommands.DecideApproval => Decide,
        DeviceCommands.Wake => Wake,
        DeviceReplies.Recorded => Recorded,
        DeviceReplica => Replica,
        SiteBucket => Bucket,
        RelayedCommand => Command,
        _ => throw new ArgumentException($"{o.GetType()} is not a site message", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        DeviceCommands.Observe m => JsonSerializer.SerializeToUtf8Bytes(m, SiteJson.Default.Observe),
        DeviceCommands.DecideApproval m => JsonSerializer.SerializeToUtf8Bytes(m, SiteJson.Default.DecideApproval),
        DeviceCommands.Wake m => JsonSerializer.SerializeToUtf8Bytes(m, SiteJson.Default.Wake),
        DeviceReplies.Recorded m => JsonSerializer.SerializeToUtf8Bytes(m, SiteJson.Default.Recorded),
        DeviceReplica r => EncodeRegister(r.Register),
        SiteBucket b => EncodeBucket(b),
        RelayedCommand m => JsonSerializer.SerializeToUtf8Bytes(m, SiteJson.Default.RelayedCommand),
        _ => throw new ArgumentException($"{obj.GetType()} is not a site message", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        Observe => JsonSerializer.Deserialize(bytes, SiteJson.Default.Observe)!,
        Decide => JsonSerializer.Deserialize(bytes, SiteJson.Default.DecideApproval)!,
        Wake => JsonSerializer.Deserialize(bytes, SiteJson.Default.Wake)!,
        Recorded => JsonSerializer.Deserialize(bytes, SiteJson.Default.Recorded)!,
        Replica => new DeviceReplica(DecodeRegister(bytes)),
        Bucket => DecodeBucket(bytes),
        Command => JsonSerializer.Deserialize(bytes, SiteJson.Default.RelayedCommand)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown site message manifest '{manifest}'"),
    };

    private static byte[] EncodeBucket(SiteBucket bucket)
    {
        var message = new CrdtEntries();
        message.Entries.AddRange(bucket.Entries.Values.Select(SiteEntryCodec.Encode));
        return message.ToByteArray();
    }

    private static SiteBucket DecodeBucket(byte[] bytes)
    {
        var entries = SiteBucket.Empty.Entries.ToBuilder();
        foreach (var e in CrdtEntries.Parser.ParseFrom(bytes).Entries)
        {
            var entry = SiteEntryCodec.Decode(e, out var error)
                ?? throw new System.Runtime.Serialization.SerializationException($"a site-state bucket from another member holds a bad entry: {error}");
            entries[entry.Key] = entry;
        }
        return new SiteBucket(entries.ToImmutable());
    }

    /// <summary>Stamp (wall ms, counter, node id) then the value's bytes.</summary>
    internal static byte[] EncodeRegister(LwwRegister<byte[]> register)
    {
        using var stream = new MemoryStream(register.Value.Length + 32);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(register.Stamp.WallMillis);
            w.Write(register.Stamp.Counter);
            w.Write(register.Stamp.NodeId);
            w.Write(register.Value.Length);
            w.Write(register.Value);
        }
        return stream.ToArray();
    }

    internal static LwwRegister<byte[]> DecodeRegister(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var stamp = new HlcTimestamp(r.ReadInt64(), r.ReadInt32(), r.ReadString());
        var value = r.ReadBytes(r.ReadInt32());
        return new LwwRegister<byte[]>(value, stamp);
    }
}

[JsonSerializable(typeof(DeviceCommands.Observe))]
[JsonSerializable(typeof(DeviceCommands.DecideApproval))]
[JsonSerializable(typeof(DeviceCommands.Wake))]
[JsonSerializable(typeof(DeviceReplies.Recorded))]
[JsonSerializable(typeof(RelayedCommand))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, UseStringEnumConverter = true)]
internal sealed partial class SiteJson : JsonSerializerContext;
