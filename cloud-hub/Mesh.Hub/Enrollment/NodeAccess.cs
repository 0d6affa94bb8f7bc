namespace Mesh.Hub.Enrollment;

/// <summary>The node a client certificate names (its SAN URI <c>mesh://site/node</c>) and its serial.</summary>
public sealed record NodeCaller(string NodeId, string Site, string Serial);

/// <summary>
/// What an enrolled node may do, as pure rules: push and read back only its own audit stream, watch only its own control stream
/// (its site's policy and its own approvals), gossip only its own site's state, renew only its own certificate. The
/// reason is for the node's log and the hub's: it names both identities.
/// </summary>
public static class NodeAccess
{
    public const string PushAudit = "push the audit stream";
    public const string Watch = "watch the policy and control stream";
    public const string Gossip = "exchange the site state";
    public const string ReadBack = "read back the audit stream";

    /// <summary>Null when <paramref name="caller"/> may <paramref name="what"/> as <paramref name="nodeId"/> of
    /// <paramref name="site"/>; otherwise why not.</summary>
    public static string? Check(NodeCaller caller, string nodeId, string site, string what)
    {
        if (!string.Equals(caller.NodeId, nodeId, StringComparison.Ordinal))
            return $"this connection's certificate is node '{caller.NodeId}' of site '{caller.Site}'; it may not {what} of node '{nodeId}'";
        if (!string.Equals(caller.Site, site, StringComparison.Ordinal))
            return $"this connection's certificate is node '{caller.NodeId}' of site '{caller.Site}'; it may not {what} of site '{site}'";
        return null;
    }
}
