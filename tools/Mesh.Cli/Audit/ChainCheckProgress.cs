namespace Mesh.Cli.Audit;

/// <summary>Reported every <see cref="AuditChainChecker.ProgressEvery"/> records of a long chain.</summary>
public sealed record ChainCheckProgress(string NodeId, long Verified, long Sequence);
