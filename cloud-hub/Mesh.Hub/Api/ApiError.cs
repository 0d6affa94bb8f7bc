namespace Mesh.Hub.Api;

/// <summary>The body of every 4xx answer of the JSON API: <c>{ "error": "…" }</c>.</summary>
public sealed record ApiError(string Error);
