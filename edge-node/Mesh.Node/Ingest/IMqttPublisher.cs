namespace Mesh.Node.Ingest;

/// <summary>Sends node → device messages (commands, dead letters) through whichever broker the node uses.</summary>
public interface IMqttPublisher
{
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct);
}
