using Mesh.Node.Decisions;

namespace Mesh.Node.Agents;

public interface IDeviceCommand : Cluster.ISiteMessage
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

    /// <summary>A person's decision on one of the device's approvals: from the hub, or at the site (<paramref name="Local"/>).
    /// May repeat, or come after the approval was settled; the agent records a late one and otherwise ignores it.</summary>
    public sealed record DecideApproval(string Site, string Device, string ApprovalId, bool Approved, bool Local, string By, string Comment) : IDeviceCommand;

    /// <summary>Starts the agent (recovering its state, so that its approval timers run) without a reading.</summary>
    public sealed record Wake(string Site, string Device) : IDeviceCommand;
}

/// <summary>Replies of a device agent.</summary>
public static class DeviceReplies
{
    /// <summary>The reading's audit records are durable. <paramref name="Publish"/>: the rules whose records were
    /// written now; those that <see cref="RuleFired.Sends"/> have their command sent by the caller.</summary>
    public sealed record Recorded(DecisionOutcome Outcome, IReadOnlyList<RuleFired> Publish, long JournalSeq) : Cluster.ISiteMessage;
}
