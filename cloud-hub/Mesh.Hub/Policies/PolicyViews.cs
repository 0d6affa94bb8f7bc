using Mesh.Hub.Api;
using Mesh.Hub.Storage;
using Mesh.Protocol.Policy;

namespace Mesh.Hub.Policies;

/// <summary>The answer to a push or rollback, and the <c>active</c> field of the site status.</summary>
public sealed record PolicyActivationView(string Site, long Version, string Sha256, long Activation)
{
    public static PolicyActivationView From(StoredActivation a) => new(a.Site, a.Version, a.Sha256, a.Activation);
}

/// <summary>400 for a policy that does not load: every problem with its place in the file.</summary>
public sealed record PolicyInvalidView(string Error, IReadOnlyList<PolicyError> Errors);

/// <summary><c>GET /api/sites/{site}/policies</c>.</summary>
public sealed record PolicyStatusView(
    string Site, ActiveView? Active, IReadOnlyList<PolicyVersionView> Versions, IReadOnlyList<ActivationView> Activations, IReadOnlyList<NodePolicyView> Nodes);

public sealed record ActiveView(long Version, string Sha256, long Activation);

public sealed record PolicyVersionView(long Version, string Sha256, string PushedAt, string PushedBy, bool Active);

public sealed record ActivationView(long Activation, long Version, string At, string By, bool Rollback, string Comment)
{
    public static ActivationView From(StoredActivation a) => new(a.Activation, a.Version, ApiTime.Format(a.AtMs), a.By, a.Rollback, a.Comment);
}

/// <summary>What a node reports running (version 0, empty hash and no <c>at</c>: nothing reported yet).</summary>
public sealed record NodePolicyView(string NodeId, long Version, string Sha256, string? At, RejectionView? Rejected);

public sealed record RejectionView(long Version, string Reason, string At);

/// <summary><c>GET /api/sites/{site}/policies/{version}</c>.</summary>
public sealed record PolicyDetailView(string Site, long Version, string Sha256, string File, string PushedAt, string PushedBy, bool Active, string Text)
{
    public static PolicyDetailView From(StoredPolicyVersion p, bool active) =>
        new(p.Site, p.Version, p.Sha256, p.File, ApiTime.Format(p.PushedAtMs), p.PushedBy, active, p.Text);
}
