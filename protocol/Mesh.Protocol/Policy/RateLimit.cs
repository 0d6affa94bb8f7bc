namespace Mesh.Protocol.Policy;

/// <summary>At most <see cref="Max"/> commands <see cref="Action"/> (or any, for <c>*</c>) per device within
/// any window of <see cref="Per"/> (by reading timestamp). A proposal over the limit is not sent and is
/// recorded as rate-limited.</summary>
public sealed record RateLimit
{
    public required string Action { get; init; }

    public required int Max { get; init; }

    public required TimeSpan Per { get; init; }
}
