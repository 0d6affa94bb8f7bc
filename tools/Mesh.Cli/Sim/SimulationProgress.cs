namespace Mesh.Cli.Sim;

/// <summary>A snapshot of a running simulation, reported about every 250 ms.</summary>
/// <param name="Sent">Readings published at least once (valid and malformed).</param>
/// <param name="Acknowledged">Valid readings acknowledged.</param>
/// <param name="Retries">Republishes so far.</param>
/// <param name="Malformed">Malformed publishes so far.</param>
/// <param name="Failures">Readings given up on.</param>
/// <param name="Disconnected">Devices without a connection at the moment.</param>
public sealed record SimulationProgress(long Sent, long Acknowledged, long Retries, long Malformed, long Failures, int Disconnected, TimeSpan Elapsed);
