namespace Mesh.Node;

/// <summary>A level-free wake-up: <see cref="WaitAsync"/> completes at the next <see cref="Pulse"/>. Thread-safe.</summary>
public sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The task to await; take it before checking the condition, so no pulse is missed.</summary>
    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    public void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
