namespace Mesh.Node.Decisions;

/// <summary>A rule changed state for a device: <paramref name="Active"/> true when it switched on.</summary>
public sealed record RuleFired(string Rule, string Action, string Metric, double Value, double Limit, bool Active, string Reason);
