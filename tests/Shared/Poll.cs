namespace Mesh.Testing;

/// <summary>Waits for a condition with a deadline (no fixed sleeps): fails the test with <c>what</c> if it never holds.
/// A <c>Func&lt;string&gt;</c> describes the state at the deadline, not at the start.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for: {what()}");
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, () => what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
