using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Tests.Support;

/// <summary>Loggers that remember what they were told, so a test can fail on an unexpected error log.</summary>
public sealed class LogSink
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(string Category, LogLevel Level, EventId Id, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{Id.Id}]: {Message}{(Exception is null ? "" : " " + Exception)}";
    }

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger<T> For<T>() => new Logger<T>(this);

    /// <summary>A logger factory whose loggers tell this sink (for components that make their own).</summary>
    public ILoggerFactory Factory => new SinkFactory(this);

    /// <summary>Fails when anything was logged at Error or above.</summary>
    public void ShouldHaveNoErrors()
    {
        var errors = Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        errors.ShouldBeEmpty("unexpected error logs:\n" + string.Join("\n", errors));
    }

    private sealed class SinkFactory(LogSink sink) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Logger<object>(sink, categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private sealed class Logger<T>(LogSink sink, string? category = null) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._entries.Enqueue(new Entry(category ?? typeof(T).Name, logLevel, eventId, formatter(state, exception), exception));
    }
}
