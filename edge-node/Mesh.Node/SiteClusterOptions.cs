namespace Mesh.Node;

/// <summary>
/// The nodes of one site as an Akka.Cluster (section <c>Node:Cluster</c>). Off by default: a node alone serves its
/// site. On, the site's device agents are spread over the members by Cluster Sharding, each device's state is
/// replicated to a majority of the members before its readings are acknowledged, and a member that dies has its
/// devices taken over by the survivors. See docs/FEDERATION.md.
/// </summary>
public sealed record SiteClusterOptions
{
    /// <summary>Join the site's cluster. Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>Address the node's cluster endpoint binds and advertises. Default 127.0.0.1; on a site LAN, the box's address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port of the cluster endpoint. Default 4053.</summary>
    public int Port { get; init; } = 4053;

    /// <summary>The port the other members reach this one at, when it differs from <see cref="Port"/> (port forwarding,
    /// a proxy in between). 0 (default): <see cref="Port"/>.</summary>
    public int PublicPort { get; init; }

    /// <summary>Seed members as <c>host:port</c> (the same list on every member of the site; a member may list itself).
    /// The first seed that is up lets the others in; with none up, the first seed listed starts the cluster.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>How long a member may miss heartbeats before the others call it unreachable. Default 3 s.</summary>
    public TimeSpan FailureDetectionPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long reachability must stay unchanged before the split-brain resolver acts (keep-majority: the
    /// side with more members stays up, the smaller side stops; at a tie the side with the lowest address). Default 5 s.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after a member left the survivors wait before they start its shards' device agents. Akka's
    /// default with the split-brain resolver is <see cref="StableAfter"/> again, so that agents on the side that stops
    /// have ended first; here the single writer does not rest on that wait: an agent acknowledges nothing before a
    /// majority of the members holds its write (see docs/FEDERATION.md), which a member cut off from the majority cannot
    /// reach. Default 1 s.</summary>
    public TimeSpan RemovalMargin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Shards the site's devices are hashed into; the unit of ownership that moves between members. Keep it
    /// the same on every member. Default 30 (about ten per member for a three-node site).</summary>
    public int Shards { get; init; } = 30;

    /// <summary>How long a device's state may take to reach (or be read from) a majority of the members. Default 3 s.</summary>
    public TimeSpan ReplicaTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The seeds as Akka addresses of the node's actor system.</summary>
    public IEnumerable<string> SeedAddresses(string systemName) => Seeds.Select(s => $"akka.tcp://{systemName}@{s}");

    /// <summary>Null when <paramref name="seed"/> is a usable <c>host:port</c>, else what is wrong with it.</summary>
    public static string? CheckSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || colon == seed.Length - 1)
            return $"'{seed}' is not host:port";
        if (!int.TryParse(seed.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            return $"'{seed}' has no valid port";
        return Uri.CheckHostName(seed[..colon]) == UriHostNameType.Unknown ? $"'{seed}' has no valid host" : null;
    }
}
