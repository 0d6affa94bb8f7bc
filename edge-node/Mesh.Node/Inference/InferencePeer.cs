using Grpc.Net.Client;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;

namespace Mesh.Node.Inference;

/// <summary>What a node serving inference advertised the last time it answered Describe.</summary>
/// <param name="Manifests">The manifests of the served models that parsed (a node without a model builds its rows from them).</param>
public sealed record PeerInfo(string Url, string NodeId, string Site, HardwareProfile Profile, IReadOnlyDictionary<string, ServedModel> Models,
    IReadOnlyDictionary<string, ModelManifest> Manifests, int QueueDepth, double RoundTripMs, DateTimeOffset SeenAt);

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

    /// <summary>Moving average of the network round trip (weight 0.2 for a new sample), as the router's EWMA of latency.</summary>
    public static double Smooth(double average, double sample) => 0.8 * average + 0.2 * sample;

    /// <summary>Folds a round trip measured on a Score call (its time minus the time the peer says it spent) into the advertisement.</summary>
    public void ObserveRoundTrip(double ms)
    {
        if (Info is { } info && ms >= 0)
            Info = info with { RoundTripMs = Smooth(info.RoundTripMs, ms) };
    }

    public void Dispose() => _channel.Dispose();
}
