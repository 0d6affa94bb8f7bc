using Mesh.Hub.Api;

namespace Mesh.Hub.AuditConsole;

/// <summary>
/// Reads a console form post and its comment. The form is read by the handler rather than bound: a bound form would
/// make routing answer 415 to other bodies before authorization, and the role check must come first for everyone.
/// </summary>
internal static class ConsoleForm
{
    /// <returns>The form and its checked comment, or the problem to show on the page (the form is then null).</returns>
    public static async Task<(IFormCollection? Form, string Comment, string? Problem)> ReadAsync(HttpContext context, string use)
    {
        if (!context.Request.HasFormContentType)
            return (null, "", $"{use} with the form on this page");
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var comment = form["comment"].ToString();
        return ApiRequest.CheckComment(comment) is { } problem ? (null, "", problem) : (form, comment, null);
    }
}
