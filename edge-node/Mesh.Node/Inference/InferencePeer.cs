using Grpc.Net.Client;
using Mesh.Node.Identity;
using Mesh.Protocol.Grpc;
using Mesh.Protocol.Models;
using Mesh.Protocol.Profiles;

namespace Mesh.Node.Inference;

/// <summary>What a node serving inference advertised the last time it answered Describe.</summary>
/// <param name="Manifests">The manifests of the served models that parsed (a node without a model builds its rows from them).</param>
public sealed record PeerInfo(string Url, string NodeId, string Site, HardwareProfile Profile, IReadOnlyDictionary<string, ServedModel> Models,
    IReadOnlyDictionary<string, ModelManifest> Manifests, int QueueDepth, double RoundTripMs, DateTimeOffset SeenAt);

/// <summary>One configured peer: its channel, its last advertisement, and whether it answered the last time.</summary>
/// <remarks>An <c>https://</c> peer is reached over mutual TLS: this node presents its enrolled certificate and accepts
/// only a node certificate from its own CA that the hub has not revoked (<see cref="NodeCredentials"/>); when the hub
/// revokes one, the next call opens a new connection, so a peer revoked while connected is refused at that handshake
/// and the router goes around it as around an unreachable one.</remarks>
/// <param name="onRefused">Told why this node refused the peer's certificate.</param>
public sealed class InferencePeer(string url, NodeCredentials? credentials = null, Action<string>? onRefused = null) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 1024 * 1024,
        MaxSendMessageSize = 1024 * 1024,
        HttpHandler = Handler(url, credentials, onRefused),
        DisposeHttpClient = true,
    });

    private static HttpMessageHandler Handler(string url, NodeCredentials? credentials, Action<string>? onRefused)
    {
        var tls = url.StartsWith("https://", StringComparison.Ordinal);
        if (tls && credentials is null)
            throw new InvalidOperationException($"an https:// inference peer ({url}) needs the node's credentials");
        SocketsHttpHandler Create() => new()
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
            SslOptions = tls ? credentials!.ClientTls(PeerKind.Node, onRefused) : new(),
        };
        if (!tls)
            return Create();
        var swappable = new SwappableHandler(Create);
        credentials!.Changed += _ => swappable.Renew();
        credentials.Revoked.Changed += swappable.Renew;
        return swappable;
    }

    public string Url { get; } = url;

    public Mesh.Protocol.Grpc.Inference.InferenceClient Client => new(_channel);

    private readonly Lock _gate = new();
    private PeerInfo? _info;
    private bool _reachable;
    private string _lastError = "not asked yet";

    /// <summary>The last advertisement; null until the peer first answered.</summary>
    public PeerInfo? Info { get { lock (_gate) return _info; } }

    /// <summary>Whether the last Describe succeeded (a Score failure also clears it until the next Describe).</summary>
    public bool Reachable { get { lock (_gate) return _reachable; } }

    public string LastError { get { lock (_gate) return _lastError; } }

    /// <summary>A fresh advertisement: the peer is reachable. The round trip is averaged with what was measured before.</summary>
    public void Publish(PeerInfo info)
    {
        lock (_gate)
        {
            _info = _info is { } prior ? info with { RoundTripMs = Smooth(prior.RoundTripMs, info.RoundTripMs) } : info;
            _reachable = true;
            _lastError = "";
        }
    }

    /// <summary>The peer did not answer; its last advertisement is kept (routing says why it lost). False when it was already marked so.</summary>
    public bool MarkUnreachable(string reason)
    {
        lock (_gate)
        {
            var changed = _reachable || _lastError != reason;
            _reachable = false;
            _lastError = reason;
            return changed;
        }
    }

    /// <summary>Moving average of the network round trip (weight 0.2 for a new sample), as the router's EWMA of latency.</summary>
    public static double Smooth(double average, double sample) => 0.8 * average + 0.2 * sample;

    /// <summary>Folds a round trip measured on a Score call (its time minus the time the peer says it spent) into the advertisement.</summary>
    public void ObserveRoundTrip(double ms)
    {
        lock (_gate)
            if (_info is { } info && ms >= 0)
                _info = info with { RoundTripMs = Smooth(info.RoundTripMs, ms) };
    }

    public void Dispose() => _channel.Dispose();
}
