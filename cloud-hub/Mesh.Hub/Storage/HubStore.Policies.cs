using System.Data.Common;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>
    /// Stores a new version of a site's policy and activates it (activation = the site's last + 1), logging
    /// the action, in one transaction. The version must be newer than every version held for the site; the
    /// check and the write happen under the write lock, so two racing pushes cannot both win.
    /// </summary>
    public PolicyPushResult PushPolicy(StoredPolicyVersion policy, Func<StoredActivation, HubActionDraft> action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run($"store policy v{policy.Version} of site {policy.Site}", () =>
            {
                var newest = ReadPolicyVersions(Writer, policy.Site, null, newestOnly: true).FirstOrDefault();
                if (newest is not null && policy.Version <= newest.Version)
                {
                    if (policy.Version != newest.Version || policy.Sha256 != newest.Sha256)
                        return new PolicyPushResult(PolicyPushStatus.NotNewer, null, newest);
                    var latest = ReadActivations(Writer, policy.Site, null).LastOrDefault(a => a.Version == policy.Version);
                    return new PolicyPushResult(PolicyPushStatus.AlreadyHeld, latest, newest);
                }
                using var tx = Writer.BeginTransaction();
                Execute(Writer.Command("""
                    INSERT INTO policy_versions(site, version, sha256, file, text, pushed_at, pushed_by)
                    VALUES (@site, @version, @sha, @file, @text, @at, @by);
                    """, tx).Bind("@site", policy.Site).Bind("@version", policy.Version).Bind("@sha", policy.Sha256)
                    .Bind("@file", policy.File).Bind("@text", policy.Text).Bind("@at", policy.PushedAtMs).Bind("@by", policy.PushedBy));
                var activation = Activate(policy, policy.PushedAtMs, policy.PushedBy, rollback: false, "", action, tx);
                tx.Commit();
                return new PolicyPushResult(PolicyPushStatus.Activated, activation, newest);
            });
        }
    }

    /// <summary>Activates a stored version again as a new activation marked rollback, logging the action, in one
    /// transaction. Null when the site holds no such version.</summary>
    public ActivePolicy? RollbackPolicy(string site, long version, long atMs, string by, string comment, Func<StoredActivation, HubActionDraft> action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run($"roll site {site} back to policy v{version}", () =>
            {
                var policy = ReadPolicyVersions(Writer, site, version, newestOnly: false).FirstOrDefault();
                if (policy is null)
                    return null;
                using var tx = Writer.BeginTransaction();
                var activation = Activate(policy, atMs, by, rollback: true, comment, action, tx);
                tx.Commit();
                return new ActivePolicy(activation, policy);
            });
        }
    }

    private StoredActivation Activate(StoredPolicyVersion policy, long atMs, string by, bool rollback, string comment, Func<StoredActivation, HubActionDraft> action, DbTransaction tx)
    {
        using var next = Writer.Command("SELECT COALESCE(MAX(activation), 0) + 1 FROM policy_activations WHERE site = @site;", tx).Bind("@site", policy.Site);
        var number = (long)next.ExecuteScalar()!;
        Execute(Writer.Command("""
            INSERT INTO policy_activations(site, activation, version, at, by, rollback, comment)
            VALUES (@site, @activation, @version, @at, @by, @rollback, @comment);
            """, tx).Bind("@site", policy.Site).Bind("@activation", number).Bind("@version", policy.Version).Bind("@at", atMs)
            .Bind("@by", by).Bind("@rollback", rollback).Bind("@comment", comment));
        var activation = new StoredActivation(policy.Site, number, policy.Version, policy.Sha256, atMs, by, rollback, comment);
        InsertHubAction(action(activation), atMs, tx);
        return activation;
    }

    /// <summary>The site's policy in force: its latest activation and the version it activated; null if none.</summary>
    public ActivePolicy? FindActivePolicy(string site) => Read($"read the active policy of site {site}", connection =>
    {
        var activation = ReadActivations(connection, site, null, newestOnly: true).FirstOrDefault();
        if (activation is null)
            return null;
        var policy = ReadPolicyVersions(connection, site, activation.Version, newestOnly: false).First();
        return new ActivePolicy(activation, policy);
    });

    /// <summary>A stored version, or every version of the site (newest first, <see cref="StoredPolicyVersion.Text"/>
    /// left empty) when <paramref name="version"/> is null.</summary>
    public IReadOnlyList<StoredPolicyVersion> ReadPolicyVersions(string site, long? version = null) =>
        Read($"read policy versions of site {site}", connection => ReadPolicyVersions(connection, site, version, newestOnly: false));

    /// <summary>Every activation of the site, oldest first.</summary>
    public IReadOnlyList<StoredActivation> ReadActivations(string site) =>
        Read($"read policy activations of site {site}", connection => ReadActivations(connection, site, null));

    private static List<StoredPolicyVersion> ReadPolicyVersions(DbConnection connection, string site, long? version, bool newestOnly)
    {
        using var command = connection.Command($"""
            SELECT site, version, sha256, file, CASE WHEN @version IS NULL THEN '' ELSE text END, pushed_at, pushed_by FROM policy_versions
            WHERE site = @site AND (@version IS NULL OR version = @version) ORDER BY version DESC {(newestOnly ? "LIMIT 1" : "")};
            """).Bind("@site", site).Bind("@version", version);
        using var reader = command.ExecuteReader();
        var versions = new List<StoredPolicyVersion>();
        while (reader.Read())
            versions.Add(new StoredPolicyVersion(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
        return versions;
    }

    private static List<StoredActivation> ReadActivations(DbConnection connection, string site, DbTransaction? tx, bool newestOnly = false)
    {
        using var command = connection.Command($"""
            SELECT a.site, a.activation, a.version, v.sha256, a.at, a.by, a.rollback, a.comment
            FROM policy_activations a JOIN policy_versions v ON v.site = a.site AND v.version = a.version
            WHERE a.site = @site ORDER BY a.activation {(newestOnly ? "DESC LIMIT 1" : "")};
            """, tx).Bind("@site", site);
        using var reader = command.ExecuteReader();
        var activations = new List<StoredActivation>();
        while (reader.Read())
            activations.Add(new StoredActivation(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetString(5), reader.GetInt64(6) != 0, reader.GetString(7)));
        return activations;
    }
}
