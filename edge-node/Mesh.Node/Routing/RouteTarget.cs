namespace Mesh.Node.Routing;

/// <summary>A place an inference can run.</summary>
/// <param name="Id">Unique among the candidates, e.g. <c>local/CUDA</c>, <c>peer/node-7/CUDA</c>, <c>cloud/gpu-1</c>.</param>
/// <param name="Node">The node that runs it.</param>
/// <param name="Profile">The hardware profile the priors come from.</param>
/// <param name="Provider">The ONNX Runtime execution provider (CUDA, TensorRT, CPU, ...).</param>
/// <param name="OffSite">Whether raw readings would leave the site to run there (cloud nodes, peers in another site).</param>
/// <param name="Currency">ISO 4217 code of the candidate's cost; profiles price in USD.</param>
public sealed record RouteTarget(
    string Id,
    TargetKind Kind,
    string Node,
    string Profile,
    string Provider,
    bool OffSite,
    string Currency = "USD")
{
    /// <summary>The deterministic skill on this node: always there, free, never leaves the site.</summary>
    public static readonly RouteTarget Deterministic = new("deterministic", TargetKind.Deterministic, "", "", "deterministic", false);
}
