namespace Mesh.Hub.Sync;

/// <summary>Why the hub refused (or ended) a sync stream. The names are sent in the <c>mesh-problem</c>
/// trailer and are part of the contract: never rename. The first six mirror <c>ChainProblem</c>.</summary>
public enum SyncProblem
{
    Gap,
    OutOfOrder,
    Fork,
    HashMismatch,
    WrongNode,
    Malformed,

    /// <summary>A record names another site than the stream's hello, or the hello another site than the node's.</summary>
    WrongSite,

    /// <summary>A batch holds more records than <c>Hub:MaxBatchRecords</c>.</summary>
    BatchTooLarge,

    /// <summary>The first message of a stream was not a hello.</summary>
    HelloRequired,

    /// <summary>A second hello on one stream.</summary>
    DuplicateHello,

    /// <summary>The hello lacks a node id or site, or they are unusable.</summary>
    InvalidHello,

    /// <summary>A newer stream for the same node took over; this one ends.</summary>
    Superseded,

    /// <summary>The hub could not write; nothing of the batch was stored, retry later.</summary>
    StorageUnavailable,

    /// <summary>The hub serves <c>Hub:MaxSyncStreams</c> streams already; retry after the <c>retry-after-ms</c> trailer's wait.</summary>
    Overloaded,

    /// <summary>A message is larger than <c>Hub:MaxReceiveMessageBytes</c>.</summary>
    MessageTooLarge,

    /// <summary>A checkpoint record whose body or signature does not verify, or that signs another hash than the chain
    /// has before it: forged. Nothing of the batch is stored.</summary>
    BadCheckpoint,

    /// <summary>A checkpoint signed by another key than the one the hub pinned for the node (registered at enrollment,
    /// or the first key it saw): a replaced journal or a replaced node. Nothing of the batch is stored.</summary>
    CheckpointKeyMismatch,
}
