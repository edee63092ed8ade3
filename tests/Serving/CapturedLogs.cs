using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VaeOnnx.Tests.Serving;

/// <summary>Every log record of a service in memory: its category, its message and its fields, as text.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            logs.Lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} | {fields} | {exception}");
        }
    }
}
