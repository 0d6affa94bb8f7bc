namespace Mesh.Node.Routing;

/// <summary>Where a route target runs.</summary>
public enum TargetKind
{
    /// <summary>One of this node's own ONNX Runtime execution providers.</summary>
    Local,

    /// <summary>Another node's advertised profile, reached over the site network.</summary>
    SitePeer,

    /// <summary>A cloud node (a cloud GPU).</summary>
    Cloud,

    /// <summary>The node's deterministic skill: the fallback when no target qualifies.</summary>
    Deterministic,
}
