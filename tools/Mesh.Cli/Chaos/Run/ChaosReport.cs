namespace Mesh.Cli.Chaos.Run;

/// <summary>What a chaos run did and found. <see cref="Problems"/> empty means every assertion held.</summary>
public sealed record ChaosReport
{
    public required TimeSpan Elapsed { get; init; }

    public required int NodeKills { get; init; }

    public required int HubKills { get; init; }

    public required int Partitions { get; init; }

    /// <summary>SIGKILL to listening again, per restart (ms).</summary>
    public required IReadOnlyList<double> NodeRecoveryMs { get; init; }

    public required IReadOnlyList<double> HubRecoveryMs { get; init; }

    public required long ReadingsAcknowledged { get; init; }

    public required long Observations { get; init; }

    public required long Decisions { get; init; }

    public required long Actions { get; init; }

    public required long RecordsAtHub { get; init; }

    /// <summary>Rejected records by their reason (numbers and quoted parts taken out).</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> RejectionsByReason { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public bool Passed => Problems.Count == 0;
}
