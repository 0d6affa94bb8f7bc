using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Protocol.Topics;

namespace Mesh.Hub.Enrollment;

/// <summary>The admin's JSON API over enrollment: make a one-time token for a node, revoke a node. Both are logged in
/// <c>hub_actions</c> under the authenticated admin's name.</summary>
public static class EnrollmentApi
{
    public const int MaxTokenLifetimeHours = 24 * 30;

    public static IEndpointRouteBuilder MapEnrollmentApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/nodes/{id}/enrollment-tokens", CreateTokenAsync).RequireAuthorization(AccessPolicies.Admin);
        endpoints.MapPost("/api/nodes/{id}/revoke", RevokeAsync).RequireAuthorization(AccessPolicies.Admin);
        return endpoints;
    }

    private static async Task<IResult> CreateTokenAsync(string id, HttpContext context, EnrollmentDesk desk)
    {
        var (body, error) = await ApiRequest.ReadJsonAsync<TokenRequest>(context, ApiRequest.SmallBodyBytes).ConfigureAwait(false);
        if (error is not null)
            return error;
        if (!MeshTopics.IsValidSegment(id))
            return Results.BadRequest(new ApiError($"node id '{id}' must be 1-128 characters without '/', '+', '#' or spaces"));
        if (body!.Site is not { } site || !MeshTopics.IsValidSegment(site))
            return Results.BadRequest(new ApiError($"'site' must be the node's site: 1-128 characters without '/', '+', '#' or spaces, got '{body.Site}'"));
        if (body.LifetimeSeconds is { } s && (s < 1 || s > MaxTokenLifetimeHours * 3600L))
            return Results.BadRequest(new ApiError($"'lifetimeSeconds' must be from 1 to {MaxTokenLifetimeHours * 3600L}, got {s}"));
        var lifetime = body.LifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var (token, expires) = desk.CreateToken(id, site, lifetime, HubActor.From(context.User));
        return Results.Created($"/api/nodes/{id}", new TokenView(id, site, token.ToString(), expires, token.CaFingerprint));
    }

    private static async Task<IResult> RevokeAsync(string id, HttpContext context, EnrollmentDesk desk)
    {
        var (body, error) = await ApiRequest.ReadJsonAsync<RevokeRequest>(context, ApiRequest.SmallBodyBytes).ConfigureAwait(false);
        if (error is not null)
            return error;
        if (ApiRequest.CheckComment(body!.Comment) is { } badComment)
            return Results.BadRequest(new ApiError(badComment));
        var serials = desk.Revoke(id, HubActor.From(context.User), body.Comment);
        return serials.Count == 0
            ? Results.NotFound(new ApiError($"node '{id}' holds no certificate in force: it never enrolled, or it is revoked already"))
            : Results.Ok(new RevokeView(id, serials));
    }

    public sealed record TokenRequest(string? Site, long? LifetimeSeconds);

    public sealed record TokenView(string NodeId, string Site, string Token, DateTimeOffset ExpiresAt, string CaSha256);

    public sealed record RevokeRequest(string? Comment);

    public sealed record RevokeView(string NodeId, IReadOnlyList<string> RevokedSerials);
}
