using System.Text;
using Mesh.Hub.Access;
using Mesh.Hub.Api;
using Mesh.Hub.Storage;
using Mesh.Protocol.Policy;
using Mesh.Protocol.Topics;

namespace Mesh.Hub.Policies;

/// <summary>The JSON API over a site's policy versions: history and one version's text (viewer), push and rollback
/// (admin). The pusher is the authenticated user; a <c>by</c> in the body is ignored.</summary>
public static class PolicyApi
{
    /// <summary>JSON escaping can turn one byte of policy text into six (<c>\u0001</c>), so a push body may be
    /// that much bigger than <see cref="SitePolicy.MaxFileBytes"/>; the text itself is checked after.</summary>
    public const long MaxPushBodyBytes = SitePolicy.MaxFileBytes * 6L + ApiRequest.SmallBodyBytes;

    public static IEndpointRouteBuilder MapPolicyApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/sites/{site}/policies", PushAsync).RequireAuthorization(AccessPolicies.Admin);
        endpoints.MapGet("/api/sites/{site}/policies", (string site, HubStore store) => CheckSite(site) ?? Results.Ok(PolicyStatus.Read(store, site)))
            .RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapPost("/api/sites/{site}/policies/rollback", RollbackAsync).RequireAuthorization(AccessPolicies.Admin);
        endpoints.MapGet("/api/sites/{site}/policies/{version}", GetVersion).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    private static async Task<IResult> PushAsync(string site, HttpContext context, PolicyDesk desk, ILogger<PolicyDesk> logger)
    {
        if (CheckSite(site) is { } badSite)
            return badSite;
        var (body, error) = await ApiRequest.ReadJsonAsync<PolicyPushRequest>(context, MaxPushBodyBytes).ConfigureAwait(false);
        if (error is not null)
            return error;
        var by = HubActor.From(context.User);
        if (body!.Text is null)
            return Results.BadRequest(new ApiError("'text' is required: the policy file's exact text"));
        var file = string.IsNullOrWhiteSpace(body.File) ? $"policies/{site}.yaml" : body.File;
        var bytes = Encoding.UTF8.GetByteCount(body.Text);
        if (bytes > SitePolicy.MaxFileBytes)
            return Invalid([new PolicyError(file, 1, 1, $"the file is {bytes} bytes; the limit is {SitePolicy.MaxFileBytes}")]);

        var parsed = PolicyLoader.Parse(body.Text, file);
        if (parsed.Policy is not { } policy)
            return Invalid(parsed.Errors);
        if (policy.Site != site)
            return Refused(logger, site, by.Name, StatusCodes.Status400BadRequest,
                $"{file} is the policy of site '{policy.Site}', but it was pushed to site '{site}'; push it to /api/sites/{policy.Site}/policies or fix its 'site'");
        if (policy.Version < 1)
            return Refused(logger, site, by.Name, StatusCodes.Status400BadRequest,
                $"{file} has version {policy.Version}; version 0 is the node's built-in policy, so pushed versions start at 1");

        var result = desk.Push(policy, file, by);
        return result.Status switch
        {
            PolicyPushStatus.Activated => Results.Created($"/api/sites/{site}/policies/{policy.Version}", PolicyActivationView.From(result.Activation!)),
            PolicyPushStatus.AlreadyHeld => Results.Ok(result.Activation is { } held
                ? PolicyActivationView.From(held)
                : new PolicyActivationView(site, policy.Version, policy.Sha256, 0)),
            _ => Refused(logger, site, by.Name, StatusCodes.Status409Conflict, NotNewer(policy, result.Newest!)),
        };
    }

    private static async Task<IResult> RollbackAsync(string site, HttpContext context, PolicyDesk desk)
    {
        if (CheckSite(site) is { } badSite)
            return badSite;
        var (body, error) = await ApiRequest.ReadJsonAsync<PolicyRollbackRequest>(context, ApiRequest.SmallBodyBytes).ConfigureAwait(false);
        if (error is not null)
            return error;
        var problem = ApiRequest.CheckComment(body!.Comment)
            ?? (body.ToVersion is null or < 1 ? "'toVersion' is required: the stored version to activate again (1 or more)" : null);
        if (problem is not null)
            return Results.BadRequest(new ApiError(problem));
        var active = desk.Rollback(site, body.ToVersion!.Value, HubActor.From(context.User), body.Comment ?? "");
        return active is null
            ? Results.NotFound(new ApiError($"site '{site}' has no policy version {body.ToVersion}; GET /api/sites/{site}/policies lists the stored ones"))
            : Results.Ok(PolicyActivationView.From(active.Activation));
    }

    private static IResult GetVersion(string site, string version, HubStore store)
    {
        if (CheckSite(site) is { } badSite)
            return badSite;
        if (!long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return Results.BadRequest(new ApiError($"'{version}' is not a policy version number"));
        var stored = store.ReadPolicyVersions(site, number).FirstOrDefault();
        if (stored is null)
            return Results.NotFound(new ApiError($"site '{site}' has no policy version {number}"));
        return Results.Ok(PolicyDetailView.From(stored, store.FindActivePolicy(site)?.Activation.Version == number));
    }

    private static string NotNewer(SitePolicy policy, StoredPolicyVersion newest) => policy.Version == newest.Version
        ? $"site '{policy.Site}' already holds version {policy.Version} with a different text (sha256 {newest.Sha256}); a changed policy needs a new version (at least {newest.Version + 1})"
        : $"version {policy.Version} is not newer than version {newest.Version}, the newest the hub holds for site '{policy.Site}'; push version {newest.Version + 1} or higher, or roll back to a stored version";

    private static IResult? CheckSite(string site) => MeshTopics.IsValidSegment(site)
        ? null
        : Results.BadRequest(new ApiError($"'{site}' is not a site id: 1-{MeshTopics.MaxSegmentLength} characters, without '/', '+', '#', NUL or whitespace"));

    private static IResult Invalid(IReadOnlyList<PolicyError> errors) =>
        Results.BadRequest(new PolicyInvalidView("policy is invalid", errors));

    private static IResult Refused(ILogger logger, string site, string by, int status, string reason)
    {
        HubLog.PolicyPushRefused(logger, site, by, reason);
        return Results.Json(new ApiError(reason), statusCode: status);
    }
}
