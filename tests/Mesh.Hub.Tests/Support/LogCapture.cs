using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Hub.Tests.Support;

/// <summary>Collects the hub's log entries so a test can fail on unexpected errors or check a warning.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    private readonly ConcurrentBag<Func<LogEntry, bool>> _expected = [];

    public IReadOnlyList<LogEntry> Errors => [.. _entries.Where(e => e.Level >= LogLevel.Error && !_expected.Any(x => x(e)))];

    /// <summary>Errors a test provokes on purpose and checks itself; they no longer fail the harness.</summary>
    public void Expect(Func<LogEntry, bool> error) => _expected.Add(error);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message} {Exception}";
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
        }
    }
}
