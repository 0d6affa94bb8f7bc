using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Hub.Api;

/// <summary>Reads a JSON request body with a size limit, answering every problem as an <see cref="ApiError"/>.</summary>
public static class ApiRequest
{
    /// <summary>Bodies of requests that carry no policy text.</summary>
    public const long SmallBodyBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <returns>The body, or the answer to send instead (400 or 413).</returns>
    public static async Task<(T? Body, IResult? Error)> ReadJsonAsync<T>(HttpContext context, long maxBytes) where T : class
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
            return (null, TooLarge(maxBytes));
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, Results.BadRequest(new ApiError("the body must be a JSON object"))) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Results.BadRequest(new ApiError($"the body is not the expected JSON: {ex.Message}")));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
    }

    public static string? CheckComment(string? comment) =>
        comment is { Length: > 1000 } ? $"'comment' is {comment.Length} characters; the limit is 1000" : null;

    private static IResult TooLarge(long maxBytes) =>
        Results.Json(new ApiError($"the request body is larger than {maxBytes} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);
}
