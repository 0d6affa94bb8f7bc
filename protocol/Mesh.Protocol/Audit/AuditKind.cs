namespace Mesh.Protocol.Audit;

/// <summary>What an audit record records. Values are part of the canonical encoding: never renumber.</summary>
public enum AuditKind : byte
{
    /// <summary>A valid reading accepted from a device.</summary>
    Observation = 1,

    /// <summary>The decision core changed a device's state (a rule fired).</summary>
    Decision = 2,

    /// <summary>A command sent to a device.</summary>
    Action = 3,

    /// <summary>An input refused, with the reason.</summary>
    Rejected = 4,
}
