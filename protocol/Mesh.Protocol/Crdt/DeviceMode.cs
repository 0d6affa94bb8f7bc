namespace Mesh.Protocol.Crdt;

/// <summary>The mode a device was last put in (the action of the last command it was sent), by which rule and reading,
/// with an optional setpoint. Replicated as a last-writer-wins register per device (<c>mode/&lt;device&gt;</c>).</summary>
public sealed record DeviceMode(string Mode, string Rule, int Priority, long ReadingSeq, double? Setpoint = null);
