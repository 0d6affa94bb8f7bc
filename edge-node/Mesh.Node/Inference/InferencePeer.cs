using Grpc.Net.Client;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Profiles;

namespace Mesh.Node.Inference;

/// <summary>What a node serving inference advertised the last time it answered Describe.</summary>
public sealed record PeerInfo(string Url, string NodeId, string Site, HardwareProfile Profile, IReadOnlyDictionary<string, ServedModel> Models,
    int QueueDepth, double RoundTripMs, DateTimeOffset SeenAt);

/// <summary>One configured peer: its channel, its last advertisement, and whether it answered the last time.</summary>
public sealed class InferencePeer(string url) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 1024 * 1024,
        MaxSendMessageSize = 1024 * 1024,
        HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
        },
    });

    public string Url { get; } = url;

    public Mesh.Protocol.Grpc.Inference.InferenceClient Client => new(_channel);

    /// <summary>The last advertisement; null until the peer first answered.</summary>
    public PeerInfo? Info { get; set; }

    /// <summary>Whether the last Describe succeeded (a Score failure also clears it until the next Describe).</summary>
    public bool Reachable { get; set; }

    public string LastError { get; set; } = "not asked yet";

    public void Dispose() => _channel.Dispose();
}
