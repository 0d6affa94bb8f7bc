namespace Mesh.Hub.Enrollment;

/// <summary>
/// The hub's certificate authority and its mutual-TLS endpoint for nodes (section <c>Hub:Enrollment</c>,
/// docs/SECURITY.md). Nodes enroll there with a one-time token and from then on sync, watch and gossip there with the
/// certificate the hub's CA issued them.
/// </summary>
public sealed record EnrollmentOptions
{
    public const string SectionName = "Hub:Enrollment";

    /// <summary>Where the hub serves its node-facing gRPC (enrollment, audit sync, control, gossip) over TLS, requiring a
    /// client certificate from its CA for everything but enrollment. Must be <c>https://</c> on a loopback address; port 0
    /// lets the OS pick one. Empty: no TLS endpoint (then only <see cref="PlaintextNodes"/> lets nodes in). Default
    /// <c>https://127.0.0.1:5443</c>.</summary>
    public string Url { get; init; } = "https://127.0.0.1:5443";

    /// <summary>Also serve the node-facing gRPC on the cleartext <c>Hub:Url</c> without any certificate, as before
    /// enrollment existed (tests, benchmarks, a closed lab network). Anyone who reaches that port can then write any
    /// node's stream. Default false.</summary>
    public bool PlaintextNodes { get; init; }

    /// <summary>The CA certificate (PEM). Empty (default): <c>ca/ca.crt</c> beside <c>Hub:DataPath</c>, made at first
    /// start with <see cref="CaKeyPath"/>. When set, <see cref="CaKeyPath"/> must be set too and both files exist.</summary>
    public string CaCertificatePath { get; init; } = "";

    /// <summary>The CA's private key (PEM, PKCS#8, ECDSA P-256). Empty (default): <c>ca/ca.key</c> beside
    /// <c>Hub:DataPath</c>, written with mode 0600.</summary>
    public string CaKeyPath { get; init; } = "";

    /// <summary>How long a node certificate is valid. A node renews when less than a third of it is left. Default 30 days.</summary>
    public TimeSpan CertificateLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long an enrollment token may wait for its node. Default 24 h.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How often the hub reads the revoked certificates from its store again, to learn of revocations made by
    /// another hub on the same database: it then refuses their calls, ends their open streams and tells its nodes. A
    /// revocation made on this hub takes effect at once. Default 5 s (00:00:00.1..01:00:00).</summary>
    public TimeSpan RevocationRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>DNS names the hub's TLS certificate carries besides 127.0.0.1 and ::1. Default <c>localhost</c>.</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = ["localhost"];
}
