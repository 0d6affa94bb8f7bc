using Microsoft.Playwright;

namespace Mesh.Testing;

/// <summary>
/// One headless Debian Chromium for the console's browser tests, started by Playwright from /usr/bin/chromium (never a
/// downloaded browser). Pages it opens get a fresh context each; screenshots go to <see cref="ScreenshotFolder"/>.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where screenshots of each page are saved as test artifacts: <c>artifacts/console</c> at the repository
    /// root (ignored by git), or <c>MESH_ARTIFACTS/console</c> when that variable is set.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("MESH_ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(RepoRoot(), "artifacts"), "console");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"the console's browser tests need Debian's Chromium at {ChromiumPath}: apt-get install chromium (.ci/run does)");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A page in a fresh context (its own cookies), sized like a laptop screen.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 } });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the console's login form at <paramref name="login"/>; returns when the console shows
    /// the signed-in name.</summary>
    public async Task<IPage> SignedInAsync(Uri login, string name, string password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync(login.ToString());
        await page.FillAsync("#name", name);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".who .user")).ToHaveTextAsync(name);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                return dir.FullName;
        return AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleBrowserCollection : ICollectionFixture<ConsoleBrowser>
{
    public const string Name = "console browser";
}
