using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Mesh.EndToEnd.Tests.Support;
using Mesh.Testing;
using Microsoft.Playwright;

namespace Mesh.EndToEnd.Tests;

/// <summary><c>mesh demo</c> as a person runs it: they open the console address it prints, sign in with the login it
/// prints, and watch the demo's fleet (its three nodes) in a real Chromium while the demo runs, the page updating by
/// itself.</summary>
public sealed partial class DemoConsoleTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Demo_ConsoleShowsTheDemosFleetLive()
    {
        using var dir = new TempDirectory();
        var output = new StringBuilder();
        var psi = new ProcessStartInfo(BuiltExecutable.Find("tools", "Mesh.Cli", "mesh"));
        // Long enough for a person (here a browser) to sign in and watch a few refreshes on a loaded two-core machine.
        foreach (var a in new[] { "demo", "--data", dir.Path, "--duration", "40" })
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("MESH_HUB_TOKEN");
        using var demo = CapturedProcess.Start(psi, output);
        try
        {
            Match login = Match.Empty;
            await Poll.UntilAsync(() => (login = ConsoleLine().Match(Said(output))).Success || demo.HasExited, TimeSpan.FromMinutes(2),
                () => $"the demo never printed the console's address and login:\n{Said(output)}");
            login.Success.ShouldBeTrue(Said(output));

            var page = await browser.SignedInAsync(new Uri(login.Groups["url"].Value), login.Groups["user"].Value, login.Groups["password"].Value);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Fleet");
            // Each node appears once it has synced with the hub: both edge nodes under their sites, and the cloud node.
            await Assertions.Expect(page.Locator("#site-site-a")).ToContainTextAsync("Site site-a", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#site-site-b")).ToContainTextAsync("Site site-b", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("tr[data-node='edge-a'] td.profile")).ToContainTextAsync("edge-server-rtx-a2000", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("tr[data-node='edge-b'] td.profile")).ToContainTextAsync("raspberry-pi-5", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("tr[data-node='gpu-cloud'] td.profile")).ToContainTextAsync("cloud-a10g", new() { Timeout = 60_000 });

            // Live: without a reload, edge-a's count of records at the hub grows while its sensors publish.
            var stored = page.Locator("tr[data-node='edge-a'] td").Nth(3);
            var before = ParseCount(await stored.InnerTextAsync());
            await Poll.UntilAsync(async () => ParseCount(await stored.InnerTextAsync()) > before, TimeSpan.FromSeconds(30),
                () => $"edge-a's stored count stayed at {before} on the open Fleet page");
            (await page.Locator("#fleet").GetAttributeAsync("data-updated")).ShouldNotBeNullOrEmpty("the page was refreshed in place, not reloaded");
            await ConsoleBrowser.ScreenshotAsync(page, "demo-fleet");

            await page.GotoAsync(new Uri(new Uri(login.Groups["url"].Value), "/timeline?node=edge-a").ToString());
            await Assertions.Expect(page.Locator("table.timeline tbody tr").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await ConsoleBrowser.ScreenshotAsync(page, "demo-timeline");

            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await demo.WaitForExitAsync(exit.Token);
            demo.ExitCode.ShouldBe(0, Said(output));
        }
        finally
        {
            if (!demo.HasExited)
                demo.Kill(entireProcessTree: true);
        }
    }

    private static string Said(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    private static long ParseCount(string text) => long.Parse(text.Replace(",", "").Replace(" ", "").Replace("\u202f", "").Trim());

    [GeneratedRegex(@"console\s+(?<url>http://127\.0\.0\.1:\d+/login) \(HTTP/1\.1, for a browser\): user (?<user>\S+), password (?<password>\S{20,}) \(this run only\)")]
    private static partial Regex ConsoleLine();
}
