namespace Mesh.Protocol.Policy;

/// <summary>A precise problem in a policy file: where (1-based line and column) and what was expected.</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>The outcome of loading a policy: a policy, or the errors (never both).</summary>
public sealed record PolicyParseResult(SitePolicy? Policy, IReadOnlyList<PolicyError> Errors)
{
    public bool Ok => Policy is not null;
}
