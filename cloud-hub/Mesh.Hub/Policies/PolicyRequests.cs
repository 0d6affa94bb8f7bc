namespace Mesh.Hub.Policies;

/// <summary>Body of <c>POST /api/sites/{site}/policies</c>.</summary>
/// <param name="Text">The policy file's exact text (YAML).</param>
/// <param name="File">Names the file in error messages; default <c>policies/{site}.yaml</c>.</param>
/// <param name="By">Ignored: the pusher is the authenticated user. Still accepted so older clients keep working.</param>
public sealed record PolicyPushRequest(string? Text, string? File, string? By);

/// <summary>Body of <c>POST /api/sites/{site}/policies/rollback</c>; <c>By</c> is ignored as in <see cref="PolicyPushRequest"/>.</summary>
public sealed record PolicyRollbackRequest(long? ToVersion, string? By, string? Comment);
