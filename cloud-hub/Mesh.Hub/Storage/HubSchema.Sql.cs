namespace Mesh.Hub.Storage;

internal static partial class HubSchema
{
    /// <summary>Nodes and their verified audit records.</summary>
    private const string V1Sql = """
        CREATE TABLE IF NOT EXISTS nodes(
            node_id       TEXT    NOT NULL PRIMARY KEY,
            site          TEXT    NOT NULL,
            last_seq      INTEGER NOT NULL,
            last_hash     BLOB    NOT NULL,
            head_seq      INTEGER NOT NULL,
            last_seen_utc TEXT    NOT NULL);
        CREATE TABLE IF NOT EXISTS records(
            node_id     TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            kind        INTEGER NOT NULL,
            device      TEXT    NOT NULL,
            hlc_wall    INTEGER NOT NULL,
            message_key TEXT    NOT NULL,
            hash        BLOB    NOT NULL,
            canonical   BLOB    NOT NULL,
            PRIMARY KEY(node_id, seq));
        """;

    /// <summary>Policy versions and activations, what nodes report running, approvals, and the log of operator
    /// actions. Times are Unix milliseconds (UTC); the node's own timestamps stay the text it wrote.</summary>
    private const string V2Sql = """
        CREATE TABLE IF NOT EXISTS policy_versions(
            site      TEXT    NOT NULL,
            version   INTEGER NOT NULL,
            sha256    TEXT    NOT NULL,
            file      TEXT    NOT NULL,
            text      TEXT    NOT NULL,
            pushed_at INTEGER NOT NULL,
            pushed_by TEXT    NOT NULL,
            PRIMARY KEY(site, version));
        CREATE TABLE IF NOT EXISTS policy_activations(
            site       TEXT    NOT NULL,
            activation INTEGER NOT NULL,
            version    INTEGER NOT NULL,
            at         INTEGER NOT NULL,
            by         TEXT    NOT NULL,
            rollback   INTEGER NOT NULL,
            comment    TEXT    NOT NULL,
            PRIMARY KEY(site, activation));
        CREATE TABLE IF NOT EXISTS node_policies(
            node_id          TEXT    NOT NULL PRIMARY KEY,
            site             TEXT    NOT NULL,
            version          INTEGER NOT NULL,
            sha256           TEXT    NOT NULL,
            at               INTEGER,
            rejected_version INTEGER,
            rejected_sha256  TEXT,
            rejected_reason  TEXT,
            rejected_at      INTEGER);
        CREATE TABLE IF NOT EXISTS approvals(
            id                  TEXT    NOT NULL PRIMARY KEY,
            node_id             TEXT    NOT NULL,
            site                TEXT    NOT NULL,
            device              TEXT    NOT NULL,
            rule                TEXT    NOT NULL,
            action              TEXT    NOT NULL,
            role                TEXT    NOT NULL,
            reading_seq         INTEGER NOT NULL,
            reading_ts          TEXT    NOT NULL,
            deadline            TEXT    NOT NULL,
            max_age             TEXT    NOT NULL,
            on_timeout          TEXT    NOT NULL,
            offline             TEXT    NOT NULL,
            requested_seq       INTEGER NOT NULL,
            requested_at        INTEGER NOT NULL,
            decision_approved   INTEGER,
            decision_by         TEXT,
            decision_comment    TEXT,
            decision_at         INTEGER,
            decision_late       INTEGER NOT NULL DEFAULT 0,
            late_seq            INTEGER,
            resolution_outcome  TEXT,
            resolution_by       TEXT,
            resolution_comment  TEXT,
            resolution_at       TEXT,
            resolution_executed INTEGER,
            resolved_seq        INTEGER);
        CREATE INDEX IF NOT EXISTS approvals_by_node ON approvals(node_id, requested_at);
        CREATE INDEX IF NOT EXISTS approvals_by_time ON approvals(requested_at);
        CREATE TABLE IF NOT EXISTS hub_actions(
            seq    INTEGER PRIMARY KEY AUTOINCREMENT,
            at     INTEGER NOT NULL,
            actor  TEXT    NOT NULL,
            action TEXT    NOT NULL,
            target TEXT    NOT NULL,
            detail TEXT    NOT NULL);
        """;

    /// <summary>The hub's replica of each site's shared state (CRDT entries as their protobuf encoding), with the
    /// site-wide version at which each entry last changed (the gossip cursor counts these).</summary>
    private const string V3Sql = """
        CREATE TABLE IF NOT EXISTS site_state(
            site    TEXT    NOT NULL,
            key     TEXT    NOT NULL,
            entry   BLOB    NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY(site, key));
        CREATE INDEX IF NOT EXISTS site_state_by_version ON site_state(site, version);
        """;

    /// <summary>The audit timeline (<see cref="HubStore.ReadTimeline"/>): each record carries its node's site, and one
    /// index per filter (the device one on PostgreSQL only) ends in the page order (hlc_wall, node_id, seq), so a page is a short backward range scan from its
    /// cursor however many records there are. The indexes make each insert dearer; an operator waiting on a page is
    /// worth it.</summary>
    private const string V4Sql = """
        ALTER TABLE records ADD COLUMN site TEXT NOT NULL DEFAULT '';
        UPDATE records SET site = (SELECT n.site FROM nodes n WHERE n.node_id = records.node_id)
            WHERE EXISTS (SELECT 1 FROM nodes n WHERE n.node_id = records.node_id);
        CREATE INDEX IF NOT EXISTS records_by_time ON records(hlc_wall, node_id, seq);
        CREATE INDEX IF NOT EXISTS records_by_site ON records(site, hlc_wall, node_id, seq);
        CREATE INDEX IF NOT EXISTS records_by_node_time ON records(node_id, hlc_wall, seq);
        CREATE INDEX IF NOT EXISTS records_by_kind ON records(kind, hlc_wall, node_id, seq);
        """;

    /// <summary>PostgreSQL only: the device index. A node's devices report interleaved, so every record lands on another
    /// leaf of it; SQLite writes each touched page to its WAL at commit (1,000 records, about 1,000 pages), which made
    /// the embedded ingest cost three times the CPU per record. PostgreSQL logs the rows, not the pages. On SQLite a
    /// device filter scans another index and checks the device.</summary>
    private const string V4PostgresSql = """
        CREATE INDEX IF NOT EXISTS records_by_device ON records(device, hlc_wall, node_id, seq);
        """;

    /// <summary>What each node says of itself in its hello: its hardware profile and its software version (the Fleet
    /// page shows them). Empty until the node's first hello after this migration.</summary>
    private const string V5Sql = """
        ALTER TABLE nodes ADD COLUMN profile TEXT NOT NULL DEFAULT '';
        ALTER TABLE nodes ADD COLUMN version TEXT NOT NULL DEFAULT '';
        """;

    /// <summary>Which node settled an approval, or recorded a late answer to it: in a site's cluster the member that took
    /// a dead member's device over settles the approvals the dead one requested, in its own journal. Rows from before
    /// this migration were settled by the requester.</summary>
    private const string V6Sql = """
        ALTER TABLE approvals ADD COLUMN resolved_node TEXT;
        ALTER TABLE approvals ADD COLUMN late_node TEXT;
        UPDATE approvals SET resolved_node = node_id WHERE resolved_seq IS NOT NULL;
        UPDATE approvals SET late_node = node_id WHERE late_seq IS NOT NULL;
        CREATE INDEX IF NOT EXISTS approvals_by_resolution ON approvals(resolved_node, resolved_seq);
        CREATE INDEX IF NOT EXISTS approvals_by_late ON approvals(late_node, late_seq);
        """;

    /// <summary>Enrollment (docs/SECURITY.md): one-time tokens, kept only as the SHA-256 of their secret and bound to a node
    /// and site, and every certificate the hub's CA issued, by serial (hex), with the node's public key and, once
    /// revoked, when and by whom. Times are Unix milliseconds.</summary>
    private const string V7Sql = """
        CREATE TABLE IF NOT EXISTS enrollment_tokens(
            token_sha256 TEXT    NOT NULL PRIMARY KEY,
            node_id      TEXT    NOT NULL,
            site         TEXT    NOT NULL,
            created_at   INTEGER NOT NULL,
            created_by   TEXT    NOT NULL,
            expires_at   INTEGER NOT NULL,
            used_at      INTEGER,
            used_serial  TEXT);
        CREATE TABLE IF NOT EXISTS node_certificates(
            serial      TEXT    NOT NULL PRIMARY KEY,
            node_id     TEXT    NOT NULL,
            site        TEXT    NOT NULL,
            public_key  BLOB    NOT NULL,
            not_before  INTEGER NOT NULL,
            not_after   INTEGER NOT NULL,
            issued_at   INTEGER NOT NULL,
            revoked_at  INTEGER,
            revoked_by  TEXT);
        CREATE INDEX IF NOT EXISTS node_certificates_by_node ON node_certificates(node_id);
        """;

    /// <summary>Each node's pinned public key (signed checkpoints, docs/SECURITY.md): registered before its first checkpoint
    /// (enrollment) or the key of the first checkpoint accepted; and the node's last signed checkpoint.</summary>
    private const string V8Sql = """
        CREATE TABLE IF NOT EXISTS node_keys(
            node_id        TEXT    NOT NULL PRIMARY KEY,
            public_key     BLOB    NOT NULL,
            fingerprint    TEXT    NOT NULL,
            source         TEXT    NOT NULL,
            pinned_at      INTEGER NOT NULL,
            checkpoint_seq INTEGER,
            checkpoint_at  INTEGER);
        """;
}
