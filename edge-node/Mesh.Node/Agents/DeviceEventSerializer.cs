using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Mesh.Node.Agents;

/// <summary>
/// Serializes device events and snapshots as JSON with explicit manifests, so stored events stay readable
/// when types move or get renamed. Manifests are part of the on-disk format: never reuse one.
/// </summary>
public sealed class DeviceEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 7301;
    private const string ReadingProcessedV1 = "rp1";
    private const string SnapshotV1 = "ds1";

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        DeviceEvents.ReadingProcessed => ReadingProcessedV1,
        DeviceSnapshot => SnapshotV1,
        _ => throw new ArgumentException($"{o.GetType()} is not a device event", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        DeviceEvents.ReadingProcessed e => JsonSerializer.SerializeToUtf8Bytes(e, DeviceEventJson.Default.ReadingProcessed),
        DeviceSnapshot s => JsonSerializer.SerializeToUtf8Bytes(s, DeviceEventJson.Default.DeviceSnapshot),
        _ => throw new ArgumentException($"{obj.GetType()} is not a device event", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        ReadingProcessedV1 => JsonSerializer.Deserialize(bytes, DeviceEventJson.Default.ReadingProcessed)!,
        SnapshotV1 => JsonSerializer.Deserialize(bytes, DeviceEventJson.Default.DeviceSnapshot)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"unknown device event manifest '{manifest}'"),
    };
}

[JsonSerializable(typeof(DeviceEvents.ReadingProcessed))]
[JsonSerializable(typeof(DeviceSnapshot))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class DeviceEventJson : JsonSerializerContext;
