namespace Mesh.Node.Routing;

/// <summary>One inference to place: a model, for one reading, that must answer within <paramref name="Deadline"/>.</summary>
public sealed record RouteTask(string Model, TimeSpan Deadline);
