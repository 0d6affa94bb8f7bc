using System.Data.Common;

namespace Mesh.Hub.Storage;

/// <summary>What became of a token presented for enrollment.</summary>
public enum TokenUse
{
    Enrolled,
    Unknown,
    Used,
    Expired,
}

/// <summary>A certificate the hub's CA issued (serial in upper-case hex, as .NET prints it); times Unix milliseconds.</summary>
public sealed record StoredCertificate(
    string Serial, string NodeId, string Site, byte[] PublicKey, long NotBeforeMs, long NotAfterMs, long IssuedAtMs, long? RevokedAtMs, string? RevokedBy);

/// <summary>A revoked certificate: its serial and the node it was issued to.</summary>
public readonly record struct RevokedCertificate(string Serial, string NodeId);

/// <summary>The outcome of <see cref="HubStore.UseEnrollmentToken"/>: the certificate issued, or why none was.</summary>
public sealed record TokenUseResult(TokenUse Outcome, StoredCertificate? Certificate, string NodeId, string Site, long? UsedAtMs, long? ExpiresAtMs);

public sealed partial class HubStore
{
    /// <summary>Stores a new token (its secret's hash only) for <paramref name="nodeId"/> of <paramref name="site"/>, and
    /// logs <paramref name="action"/> with it.</summary>
    public void CreateEnrollmentToken(string tokenSha256, string nodeId, string site, long atMs, long expiresAtMs, HubActionDraft action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Run($"store an enrollment token for node {nodeId}", () =>
            {
                using var tx = Writer.BeginTransaction();
                Execute(Writer.Command("""
                    INSERT INTO enrollment_tokens(token_sha256, node_id, site, created_at, created_by, expires_at)
                    VALUES (@hash, @node, @site, @at, @by, @expires);
                    """, tx).Bind("@hash", tokenSha256).Bind("@node", nodeId).Bind("@site", site).Bind("@at", atMs)
                    .Bind("@by", action.Actor).Bind("@expires", expiresAtMs));
                InsertHubAction(action, atMs, tx);
                tx.Commit();
            });
        }
    }

    /// <summary>
    /// Spends a token: when it is known, unused and unexpired at <paramref name="atMs"/>, <paramref name="issue"/> makes the
    /// certificate for the token's node and site, and the certificate, the token's use and <paramref name="action"/> are
    /// stored in one transaction. Otherwise nothing changes and the result says why. <paramref name="issue"/> runs under
    /// the write lock, so two nodes racing with one token cannot both get a certificate.
    /// </summary>
    public TokenUseResult UseEnrollmentToken(string tokenSha256, long atMs, Func<string, string, StoredCertificate> issue, Func<StoredCertificate, HubActionDraft> action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run("use an enrollment token", () =>
            {
                using var tx = Writer.BeginTransaction();
                using var command = Writer.Command("""
                    SELECT node_id, site, expires_at, used_at FROM enrollment_tokens WHERE token_sha256 = @hash;
                    """, tx).Bind("@hash", tokenSha256);
                string nodeId, site;
                long expires;
                long? used;
                using (var reader = command.ExecuteReader())
                {
                    if (!reader.Read())
                        return new TokenUseResult(TokenUse.Unknown, null, "", "", null, null);
                    (nodeId, site, expires, used) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64OrNull(3));
                }
                if (used is not null)
                    return new TokenUseResult(TokenUse.Used, null, nodeId, site, used, expires);
                if (atMs >= expires)
                    return new TokenUseResult(TokenUse.Expired, null, nodeId, site, null, expires);
                var certificate = issue(nodeId, site);
                InsertCertificate(certificate, tx);
                Execute(Writer.Command("UPDATE enrollment_tokens SET used_at = @at, used_serial = @serial WHERE token_sha256 = @hash;", tx)
                    .Bind("@at", atMs).Bind("@serial", certificate.Serial).Bind("@hash", tokenSha256));
                InsertHubAction(action(certificate), atMs, tx);
                tx.Commit();
                return new TokenUseResult(TokenUse.Enrolled, certificate, nodeId, site, atMs, expires);
            });
        }
    }

    /// <summary>Stores a renewed certificate and logs <paramref name="action"/> with it.</summary>
    public void RecordCertificate(StoredCertificate certificate, HubActionDraft action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Run($"store a certificate of node {certificate.NodeId}", () =>
            {
                using var tx = Writer.BeginTransaction();
                InsertCertificate(certificate, tx);
                InsertHubAction(action, certificate.IssuedAtMs, tx);
                tx.Commit();
            });
        }
    }

    /// <summary>Revokes every certificate of <paramref name="nodeId"/> not yet revoked and logs <paramref name="action"/>, in
    /// one transaction; returns the serials revoked (none: nothing changed, nothing logged).</summary>
    public IReadOnlyList<string> RevokeNodeCertificates(string nodeId, long atMs, HubActionDraft action)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Run($"revoke node {nodeId}", () =>
            {
                using var tx = Writer.BeginTransaction();
                var serials = new List<string>();
                using (var command = Writer.Command("SELECT serial FROM node_certificates WHERE node_id = @node AND revoked_at IS NULL ORDER BY serial;", tx)
                    .Bind("@node", nodeId))
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                        serials.Add(reader.GetString(0));
                }
                if (serials.Count == 0)
                    return serials;
                Execute(Writer.Command("UPDATE node_certificates SET revoked_at = @at, revoked_by = @by WHERE node_id = @node AND revoked_at IS NULL;", tx)
                    .Bind("@at", atMs).Bind("@by", action.Actor).Bind("@node", nodeId));
                InsertHubAction(action, atMs, tx);
                tx.Commit();
                return serials;
            });
        }
    }

    /// <summary>Every certificate issued to <paramref name="nodeId"/>, oldest first.</summary>
    public IReadOnlyList<StoredCertificate> ReadNodeCertificates(string nodeId) => Read($"read the certificates of node {nodeId}", connection =>
        ReadCertificates(connection.Command($"{SelectCertificate} WHERE node_id = @node ORDER BY issued_at, serial;").Bind("@node", nodeId)));

    /// <summary>Every revoked certificate, by serial, with its node. Read again by each hub every
    /// <c>Hub:Enrollment:RevocationRefresh</c>, so it reads two columns only.</summary>
    public IReadOnlyList<RevokedCertificate> ReadRevokedCertificates() => Read("read revoked certificates", connection =>
    {
        using var command = connection.Command("SELECT serial, node_id FROM node_certificates WHERE revoked_at IS NOT NULL ORDER BY serial;");
        using var reader = command.ExecuteReader();
        var list = new List<RevokedCertificate>();
        while (reader.Read())
            list.Add(new RevokedCertificate(reader.GetString(0), reader.GetString(1)));
        return list;
    });

    private const string SelectCertificate =
        "SELECT serial, node_id, site, public_key, not_before, not_after, issued_at, revoked_at, revoked_by FROM node_certificates";

    private static List<StoredCertificate> ReadCertificates(DbCommand command)
    {
        using (command)
        using (var reader = command.ExecuteReader())
        {
            var list = new List<StoredCertificate>();
            while (reader.Read())
                list.Add(new StoredCertificate(reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3),
                    reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64OrNull(7), reader.GetStringOrNull(8)));
            return list;
        }
    }

    private void InsertCertificate(StoredCertificate c, DbTransaction tx) =>
        Execute(Writer.Command("""
            INSERT INTO node_certificates(serial, node_id, site, public_key, not_before, not_after, issued_at)
            VALUES (@serial, @node, @site, @key, @nb, @na, @at);
            """, tx).Bind("@serial", c.Serial).Bind("@node", c.NodeId).Bind("@site", c.Site).Bind("@key", c.PublicKey)
            .Bind("@nb", c.NotBeforeMs).Bind("@na", c.NotAfterMs).Bind("@at", c.IssuedAtMs));
}
