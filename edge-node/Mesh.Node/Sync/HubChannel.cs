using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Mesh.Node.Sync;

/// <summary>
/// The node's one gRPC channel to its hub (audit sync and the control stream share it), and the retry
/// pipeline both use: exponential back-off with jitter between <c>Node:Sync:InitialBackoff</c> and
/// <c>MaxBackoff</c>, forever until the node stops; the first retry spread by <c>ReconnectJitter</c>, and a hub's
/// retry-after hint obeyed (<see cref="ReconnectDelay"/>).
/// </summary>
public sealed class HubChannel : IDisposable
{
    private readonly Lazy<GrpcChannel>? _channel;

    public HubChannel(IOptions<NodeOptions> options)
    {
        Options = options.Value.Sync;
        if (Options.HubUrl.Length > 0)
            _channel = new Lazy<GrpcChannel>(() => GrpcChannel.ForAddress(Options.HubUrl, new GrpcChannelOptions
            {
                MaxReceiveMessageSize = 4 * 1024 * 1024,
                MaxSendMessageSize = 64 * 1024 * 1024,
                HttpHandler = new SocketsHttpHandler
                {
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                    KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                    EnableMultipleHttp2Connections = true,
                },
            }));
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
