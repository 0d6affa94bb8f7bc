namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// What one generated input did: accepted, rejected (with its reason, reduced to a category for counting), or
/// <see cref="Failure"/>: a broken promise (an exception, an error without a position, an inconsistent result).
/// </summary>
public readonly record struct FuzzVerdict(bool Accepted, string? Reason, string? Failure)
{
    public static FuzzVerdict Accept() => new(true, null, null);

    public static FuzzVerdict Reject(string reason) => new(false, reason, null);

    public static FuzzVerdict Fail(string failure) => new(false, null, failure);
}
