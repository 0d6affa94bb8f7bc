using System.Net;
using System.Text.RegularExpressions;
using Mesh.Hub.Access;
using Mesh.Hub.Tests.Support;

namespace Mesh.Hub.Tests.Access;

public sealed partial class LockoutTests
{
    private static readonly string[] ThreeFailuresLockForTenMinutes =
        ["--Hub:Access:Lockout:MaxFailures=3", "--Hub:Access:Lockout:Window=00:05:00", "--Hub:Access:Lockout:Duration=00:10:00"];

    [Fact]
    public async Task Login_WrongPasswordUnknownUserAndLockedAccount_AllGetTheSameAnswer()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args(ThreeFailuresLockForTenMinutes));
        using var browser = new ConsoleSession(hub.Address);

        var wrong = await AnswerAsync(browser, TestAccess.Admin.Name, "not-the-password");
        var unknown = await AnswerAsync(browser, "nobody", "whatever-password");
        await AnswerAsync(browser, TestAccess.Admin.Name, "not-the-password");
        await AnswerAsync(browser, TestAccess.Admin.Name, "not-the-password");
        var locked = await AnswerAsync(browser, TestAccess.Admin.Name, TestAccess.Admin.Password);

        wrong.Status.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.ShouldBe(wrong);
        locked.ShouldBe(wrong, "a locked account answers as a wrong password does, even with the right one");
    }

    [Fact]
    public async Task Login_ThreeFailures_LockedUntilTheDurationPassesThenTheRightPasswordWorks()
    {
        var clock = new ManualClock();
        await using var hub = await HubHarness.StartWithClockAsync(clock, TestAccess.Args(ThreeFailuresLockForTenMinutes));
        using var browser = new ConsoleSession(hub.Address);
        for (var i = 0; i < 3; i++)
            await AnswerAsync(browser, TestAccess.Operator.Name, "wrong-" + i);

        clock.Advance(TimeSpan.FromMinutes(9));
        var stillLocked = await AnswerAsync(browser, TestAccess.Operator.Name, TestAccess.Operator.Password);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var unlocked = await browser.LoginAsync(TestAccess.Operator.Name, TestAccess.Operator.Password);

        stillLocked.Status.ShouldBe(HttpStatusCode.Unauthorized);
        unlocked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var log = (await hub.HubActionsAsync()).Actions;
        log.Select(a => a.Action).ShouldBe([
            AccessAudit.LoginFailed, AccessAudit.LoginFailed, AccessAudit.LoginFailed, AccessAudit.LoginLockedOut,
            AccessAudit.LoginWhileLocked, AccessAudit.LoginSucceeded,
        ]);
        log.ShouldAllBe(a => a.Actor == TestAccess.Operator.Name && a.Detail.GetProperty("via").GetString() == "password");
        hub.Logs.Entries.Count(e => e.EventId.Id == 82).ShouldBe(1);
    }

    [Fact]
    public async Task Login_FailuresSpreadBeyondTheWindow_DoNotLock()
    {
        var clock = new ManualClock();
        await using var hub = await HubHarness.StartWithClockAsync(clock, TestAccess.Args(ThreeFailuresLockForTenMinutes));
        using var browser = new ConsoleSession(hub.Address);

        await AnswerAsync(browser, TestAccess.Viewer.Name, "wrong-1");
        await AnswerAsync(browser, TestAccess.Viewer.Name, "wrong-2");
        clock.Advance(TimeSpan.FromMinutes(6));
        await AnswerAsync(browser, TestAccess.Viewer.Name, "wrong-3");
        using var login = await browser.LoginAsync(TestAccess.Viewer.Name, TestAccess.Viewer.Password);

        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await hub.HubActionsAsync()).Actions.ShouldNotContain(a => a.Action == AccessAudit.LoginLockedOut);
    }

    [Fact]
    public async Task Login_UnknownNames_AreCountedAndLockedLikeKnownOnes()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args(ThreeFailuresLockForTenMinutes));
        using var browser = new ConsoleSession(hub.Address);

        for (var i = 0; i < 3; i++)
            await AnswerAsync(browser, "mallory", "guess-" + i);

        (await hub.HubActionsAsync()).Actions.Select(a => (a.Actor, a.Action)).ShouldBe([
            ("mallory", AccessAudit.LoginFailed), ("mallory", AccessAudit.LoginFailed), ("mallory", AccessAudit.LoginFailed), ("mallory", AccessAudit.LoginLockedOut),
        ]);
    }

    [Fact]
    public async Task Login_MoreAttemptsPerMinuteThanAllowedFromOneAddress_429BeforeAnyPasswordIsChecked()
    {
        await using var hub = await HubHarness.StartAsync(TestAccess.Args("--Hub:Access:LoginsPerMinute=2"));
        using var browser = new ConsoleSession(hub.Address);

        var first = await AnswerAsync(browser, "mallory", "guess-1");
        var second = await AnswerAsync(browser, "trudy", "guess-2");
        var third = await AnswerAsync(browser, TestAccess.Admin.Name, TestAccess.Admin.Password);

        (first.Status, second.Status, third.Status).ShouldBe((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests));
        third.Page.ShouldContain("Too many login attempts");
        (await hub.HubActionsAsync()).Actions.Select(a => a.Actor).ShouldBe(["mallory", "trudy"]);
    }

    /// <summary>The status and the page without its per-request antiforgery token.</summary>
    private static async Task<(HttpStatusCode Status, string Page)> AnswerAsync(ConsoleSession browser, string name, string password)
    {
        using var response = await browser.LoginAsync(name, password);
        return (response.StatusCode, CsrfValue().Replace(await response.Content.ReadAsStringAsync(), "value=\"…\""));
    }

    [GeneratedRegex("value=\"[^\"]*\"")]
    private static partial Regex CsrfValue();
}
