namespace Mesh.Protocol.Audit;

/// <summary>What an audit record records. Values are part of the canonical encoding: never renumber.</summary>
public enum AuditKind : byte
{
    /// <summary>A valid reading accepted from a device.</summary>
    Observation = 1,

    /// <summary>The decision core changed a device's state (a rule fired); the outcome says what the policy
    /// gate made of its proposed action.</summary>
    Decision = 2,

    /// <summary>A command sent to a device.</summary>
    Action = 3,

    /// <summary>An input refused, with the reason.</summary>
    Rejected = 4,

    /// <summary>A policy became active on the node. Body: site, version, sha256, source and the full text.</summary>
    PolicyActivated = 5,

    /// <summary>A policy update was refused; the last good policy stays active. Body: the errors.</summary>
    PolicyRejected = 6,

    /// <summary>An action waits for a person. Body: approval id, rule, action, role, deadline, offline rule.</summary>
    ApprovalRequested = 7,

    /// <summary>An approval was settled: granted, denied, timed out (the policy's default applied), or
    /// the action went stale. Body: who, when, comment. Key: the approval id.</summary>
    ApprovalResolved = 8,

    /// <summary>A decision arrived after its approval was already settled; it changed nothing.</summary>
    ApprovalLate = 9,

    /// <summary>A model is ready to serve on the node: name, version, SHA-256 and the execution provider its session
    /// runs on, with every preferred provider that failed and why (the fallback towards CPU). Written at start.</summary>
    ModelLoaded = 10,

    /// <summary>A model was refused at start: a missing file, a wrong hash, or shapes that differ from its manifest.
    /// The node runs on without it (its rules decide "degraded" by the deterministic skill).</summary>
    ModelRefused = 11,

    /// <summary>A member of a multi-node site took a device over (its owner died, or the site rebalanced) and adopted
    /// the device's state as the site replicated it. Body: the member that wrote the replica, its HLC stamp, the
    /// last reading sequence, and the state itself, so that replay of this journal continues from it.</summary>
    DeviceTakenOver = 12,

    /// <summary>Two nodes sent contradictory commands to one device without having seen each other's (see
    /// <c>Mesh.Protocol.Crdt.CommandConflicts</c>). Written by each node involved: the winner, the withdrawn commands,
    /// the reason, and what this node did about it (the loser sends the winner's command again). Key: the conflict id.</summary>
    ConflictResolved = 13,

    /// <summary>The membership of this node's site cluster changed as this node saw it: a member came up, became
    /// unreachable or reachable again, or was removed (left, or downed by the split-brain resolver). Body: the event,
    /// the member, and the members up afterwards. Tells an auditor which nodes shared the site's devices when.</summary>
    SiteMembership = 14,
    /// <summary>The node's audit backlog filled its disk budget (<c>Node:Journal:DiskBudgetBytes</c>) with records the hub
    /// has not acknowledged: the node stops acknowledging new readings (devices keep and resend them) until space returns.
    /// Body: the budget, the bytes in use, the journal head, the hub's acknowledged sequence and the pruned boundary.</summary>
    BacklogFull = 15,

    /// <summary>Space returned after <see cref="BacklogFull"/> (the hub acknowledged records and pruning freed them): the
    /// node acknowledges readings again. Body: the same figures, and how long ingest was held.</summary>
    BacklogResumed = 16,

    /// <summary>The node signed its chain up to the record before this one with its own key (<c>Mesh.Node.Identity.NodeKey</c>):
    /// written every <c>Node:Journal:CheckpointEveryRecords</c> records, every <c>Node:Journal:CheckpointEvery</c> when anything
    /// was written, and at clean shutdown. Body: <see cref="AuditCheckpoint"/>. Key: <c>checkpoint#&lt;covered sequence&gt;</c>.
    /// Changes no decision: replay and every count by kind pass over it.</summary>
    Checkpoint = 17,

    /// <summary>The node found its journal damaged at start and rebuilt it: every record it could read and verify from the
    /// damaged file, then what the hub holds beyond (docs/RELIABILITY.md). The damaged file is kept beside the new one.
    /// Body: the damaged copy's name and SHA-256, the records salvaged and fetched, the hub's head, and why the old file
    /// could not be used. Changes no decision: replay and every count by kind pass over it.</summary>
    JournalRecovered = 18,
}
