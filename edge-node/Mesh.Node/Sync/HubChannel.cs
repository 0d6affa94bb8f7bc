using Grpc.Net.Client;
using Mesh.Node.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Mesh.Node.Sync;

/// <summary>
/// The node's one gRPC channel to its hub (audit sync and the control stream share it), and the retry
/// pipeline both use: exponential back-off with jitter between <c>Node:Sync:InitialBackoff</c> and
/// <c>MaxBackoff</c>, forever until the node stops; the first retry spread by <c>ReconnectJitter</c>, and a hub's
/// retry-after hint obeyed (<see cref="ReconnectDelay"/>). An <c>https://</c> hub is reached over mutual TLS with the
/// node's enrolled certificate (<see cref="NodeCredentials"/>), trusting only the hub's CA; a renewed certificate is
/// used from the next connection on.
/// </summary>
public sealed class HubChannel : IDisposable
{
    private readonly Lazy<GrpcChannel>? _channel;

    public HubChannel(IOptions<NodeOptions> options)
        : this(options, credentials: null, NullLogger<HubChannel>.Instance)
    {
    }

    /// <param name="credentials">The node's identity; required for an <c>https://</c> hub.</param>
    public HubChannel(IOptions<NodeOptions> options, NodeCredentials? credentials, ILogger<HubChannel> logger)
    {
        Options = options.Value.Sync;
        if (Options.HubUrl.Length == 0)
            return;
        var tls = Options.HubUrl.StartsWith("https://", StringComparison.Ordinal);
        if (tls && credentials is null)
            throw new InvalidOperationException("an https:// Node:Sync:HubUrl needs the node's credentials");
        SocketsHttpHandler Create() => new()
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            SslOptions = tls ? credentials!.ClientTls(PeerKind.Hub, reason => NodeIdentityLog.ServerRefused(logger, Options.HubUrl, reason)) : new(),
        };
        _channel = new Lazy<GrpcChannel>(() =>
        {
            HttpMessageHandler handler;
            if (tls)
            {
                var swappable = new SwappableHandler(Create);
                credentials!.Changed += _ => swappable.Renew();
                handler = swappable;
            }
            else
            {
                handler = Create();
            }
            return GrpcChannel.ForAddress(Options.HubUrl, new GrpcChannelOptions
            {
                MaxReceiveMessageSize = 4 * 1024 * 1024,
                MaxSendMessageSize = 64 * 1024 * 1024,
                HttpHandler = handler,
                DisposeHttpClient = true,
            });
        });
    }

    public SyncOptions Options { get; }

    /// <summary>False when <c>Node:Sync:HubUrl</c> is empty: the node runs without a hub.</summary>
    public bool Configured => _channel is not null;

    public GrpcChannel Channel => _channel?.Value ?? throw new InvalidOperationException("Node:Sync:HubUrl is empty: this node has no hub");

    public ResiliencePipeline Retry(CancellationToken stopping, Func<OnRetryArguments<object>, ValueTask> onRetry) =>
        new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(_ => !stopping.IsCancellationRequested),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = Options.InitialBackoff,
            MaxDelay = Options.MaxBackoff,
            DelayGenerator = args => ValueTask.FromResult(ReconnectDelay.For(args.Outcome.Exception, args.AttemptNumber, Options, Random.Shared)),
            OnRetry = onRetry,
        }).Build();

    public void Dispose()
    {
        if (_channel is { IsValueCreated: true })
            _channel.Value.Dispose();
    }
}
