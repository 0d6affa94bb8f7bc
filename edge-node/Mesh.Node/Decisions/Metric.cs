namespace Mesh.Node.Decisions;

/// <summary>One named, finite measurement of a reading.</summary>
public readonly record struct Metric(string Name, double Value);
