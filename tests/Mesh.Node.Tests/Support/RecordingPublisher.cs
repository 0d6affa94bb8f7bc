using System.Collections.Concurrent;
using System.Text;
using Mesh.Node.Ingest;

namespace Mesh.Node.Tests.Support;

/// <summary>An MQTT publisher that only remembers what it was asked to send.</summary>
public sealed class RecordingPublisher : IMqttPublisher
{
    private readonly ConcurrentQueue<(string Topic, string Payload)> _sent = new();

    public IReadOnlyList<(string Topic, string Payload)> Sent => [.. _sent];

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        _sent.Enqueue((topic, Encoding.UTF8.GetString(payload.Span)));
        return Task.CompletedTask;
    }
}
