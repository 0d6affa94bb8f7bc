namespace Mesh.Node;

/// <summary>
/// Enrollment at start (section <c>Node:Enrollment</c>, docs/SECURITY.md): a node installed with a one-time token and
/// no certificate yet enrolls with the hub by itself, so a freshly installed unit needs no manual step. Once enrolled
/// the token is spent and ignored; the node renews its certificate by itself.
/// </summary>
public sealed record NodeEnrollmentOptions
{
    /// <summary>The one-time token an admin made (<c>mesh node token</c>). Empty (default): enroll with <c>mesh enroll</c>.</summary>
    public string Token { get; init; } = "";

    /// <summary>The hub's TLS endpoint to enroll and renew at (<c>Hub:Enrollment:Url</c>). Empty (default):
    /// <c>Node:Sync:HubUrl</c>.</summary>
    public string HubUrl { get; init; } = "";
}
