namespace Mesh.Cli.Sim;

/// <summary>One publish of a device, kept byte for byte until it is acknowledged: a republish sends the same payload.</summary>
internal sealed class Reading
{
    /// <summary>Position in the device's stream of publishes (valid and malformed), from 0.</summary>
    public required long Index { get; init; }

    /// <summary>The <c>seq</c> in the payload; null for a malformed kind without one.</summary>
    public required long? Seq { get; init; }

    /// <summary>Null for a valid reading.</summary>
    public required MalformedKind? Malformed { get; init; }

    public required byte[] Payload { get; init; }

    /// <summary>Stopwatch timestamp of the first attempt: the give-up deadline counts from here.</summary>
    public long FirstAttempt { get; set; }

    public int Attempts { get; set; }

    public bool IsValid => Malformed is null;
}
