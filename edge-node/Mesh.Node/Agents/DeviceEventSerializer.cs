using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Mesh.Node.Agents;

/// <summary>
/// Serializes device snapshots (the only thing device agents keep in Akka.Persistence; their changes are in
/// the audit journal) as JSON with an explicit manifest, so stored snapshots stay readable when types move
/// or get renamed. Manifests are part of the on-disk format: never reuse one.
/// </summary>
public sealed class DeviceEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7301;

    // Retired, never to be reused: rp1, ds1 (threshold rules only), rp2, as1 (persisted events, before the
    // journal became the agents' write-ahead log).
    private const string SnapshotV2 = "ds2";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        DeviceSnapshot => SnapshotV2,
        _ => throw new ArgumentException($"{o.GetType()} is not a device snapshot", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        DeviceSnapshot s => JsonSerializer.SerializeToUtf8Bytes(s, DeviceEventJson.Default.DeviceSnapshot),
        _ => throw new ArgumentException($"{obj.GetType()} is not a device snapshot", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        SnapshotV2 => JsonSerializer.Deserialize(bytes, DeviceEventJson.Default.DeviceSnapshot)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown device snapshot manifest '{manifest}'"),
    };
}

[JsonSerializable(typeof(DeviceSnapshot))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, UseStringEnumConverter = true)]
internal sealed partial class DeviceEventJson : JsonSerializerContext;
