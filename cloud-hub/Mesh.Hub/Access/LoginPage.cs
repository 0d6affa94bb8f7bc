using System.Text.Encodings.Web;

namespace Mesh.Hub.Access;

/// <summary>The console's server-rendered pages of the access layer: plain HTML forms, a little CSS, no script.</summary>
internal static class LoginPage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
        main{max-width:22rem;margin:12vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
        h1{font-size:1.3rem;margin:0 0 1.2rem}label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
        input{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #b8bdc7;border-radius:4px;font-size:1rem}
        button{margin-top:1.2rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;font-size:1rem;cursor:pointer}
        .error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}a{color:#1f5fbf}p{line-height:1.4}
        """;

    public static string Login(string csrfToken, string returnUrl, string? error, bool oidc)
    {
        var e = HtmlEncoder.Default;
        return Page("Sign in", $"""
            <h1>Mesh hub — sign in</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{e.Encode(error)}</p>")}
            <form method="post" action="/login">
              <input type="hidden" name="{AccessSetup.AntiforgeryFieldName}" value="{e.Encode(csrfToken)}">
              <input type="hidden" name="returnUrl" value="{e.Encode(returnUrl)}">
              <label for="name">Name</label><input id="name" name="name" autocomplete="username" required autofocus>
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            {(oidc ? $"<p><a href=\"/login/oidc?returnUrl={e.Encode(Uri.EscapeDataString(returnUrl))}\">Sign in with your organisation's account</a></p>" : "")}
            """);
    }

    public static string Message(string title, string text)
    {
        var e = HtmlEncoder.Default;
        return Page(title, $"<h1>{e.Encode(title)}</h1><p>{e.Encode(text)}</p><p><a href=\"/\">Back</a> · <a href=\"/login\">Sign in</a></p>");
    }

    private static string Page(string title, string body) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>{HtmlEncoder.Default.Encode(title)}</title><style>{Style}</style></head>
        <body><main>
        {body}
        </main></body></html>
        """;
}
