using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

public interface IDeviceCommand
{
    string Site { get; }

    string Device { get; }
}

/// <summary>Messages to a device agent.</summary>
public static class DeviceCommands
{
    /// <summary>Decide on a reading. Replied to with <see cref="DeviceReplies.Recorded"/> once its records are durable.</summary>
    public sealed record Observe(Observation Observation, string InputDigest) : IDeviceCommand
    {
        public string Site => Observation.Site.Value;

        public string Device => Observation.Device.Value;
    }
}

/// <summary>Replies of a device agent.</summary>
public static class DeviceReplies
{
    /// <summary>The reading's audit records are durable. <paramref name="Publish"/>: commands to send now.</summary>
    public sealed record Recorded(DecisionOutcome Outcome, IReadOnlyList<RuleFired> Publish, long JournalSeq);
}
