namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>What each node of the site reported about its policy, by node id; nodes that reported nothing are absent.</summary>
    public IReadOnlyList<StoredNodePolicy> ReadNodePolicies(string site) => Read($"read node policies of site {site}", connection =>
    {
        using var command = connection.Command("""
            SELECT node_id, site, version, sha256, at, rejected_version, rejected_sha256, rejected_reason, rejected_at
            FROM node_policies WHERE site = @site ORDER BY node_id;
            """).Bind("@site", site);
        using var reader = command.ExecuteReader();
        var nodes = new List<StoredNodePolicy>();
        while (reader.Read())
        {
            var rejected = reader.IsDBNull(8) ? null
                : new NodePolicyRejection(reader.GetInt64(5), reader.GetString(6), reader.GetString(7), reader.GetInt64(8));
            nodes.Add(new StoredNodePolicy(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetInt64OrNull(4), rejected));
        }
        return nodes;
    });
}
