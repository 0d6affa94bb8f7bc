namespace Mesh.Node;

/// <summary>Inference on this node and on the nodes it may offload to (section <c>Node:Inference</c>).</summary>
public sealed record InferenceOptions
{
    /// <summary>The model registry: one sub-folder per model with <c>manifest.yaml</c> and the ONNX file. Default <c>models</c>.
    /// Empty: this node runs no model itself (a thin gateway) and offloads every inference to its <see cref="Peers"/>.</summary>
    public string Models { get; init; } = "models";

    /// <summary>The hardware profile folder; the node's own profile is <c>&lt;Profiles&gt;/&lt;Node:Profile&gt;.yaml</c>. Default <c>hardware-profiles</c>.</summary>
    public string Profiles { get; init; } = "hardware-profiles";

    /// <summary>Most readings scored in one run of a model. Default 64.</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>Longest a reading waits for others to fill its batch. Default 1 ms; 0: batch only what is already queued.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The deadline of one inference task; the site policy's <c>routing.max_latency</c> caps it. Default 100 ms.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest a remote Score call may take before the router fails over. Default 2 s.</summary>
    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Nodes serving inference that this node may offload to (cloud GPU nodes, peers in the site), by gRPC address,
    /// e.g. <c>http://127.0.0.1:7301</c>. Each advertises its hardware profile and models through <c>Inference.Describe</c>.</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>How often peers are asked for their profile, models and load. Default 5 s.</summary>
    public TimeSpan PeerRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Serve the <c>Inference</c> gRPC service on this address (a cloud GPU node, or a site peer), e.g.
    /// <c>http://127.0.0.1:7301</c>. Empty (default): serve nothing.</summary>
    public string ServeUrl { get; init; } = "";

    /// <summary>Circuit breaker of each remote target: consecutive failures that open it. Default 5.</summary>
    public int BreakerFailures { get; init; } = 5;

    /// <summary>How long an open breaker stays open before one probe is let through. Default 10 s.</summary>
    public TimeSpan BreakerOpenFor { get; init; } = TimeSpan.FromSeconds(10);
}
