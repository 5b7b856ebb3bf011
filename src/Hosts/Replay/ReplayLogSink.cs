using Microsoft.Extensions.Logging;

namespace Blacksmith.Replay;

/// <summary>
/// The logger provider a replay's engine is composed with: what the engine logs goes to the <see cref="ReplayLog"/> of
/// the scenario being replayed right now. The logger factory keeps the loggers it made for the engine's lifetime, so
/// they look up the current log on each message rather than hold one.
/// </summary>
internal sealed class ReplayLogSink : ILoggerProvider
{
    private ReplayLog? _current;

    public void Bind(ReplayLog log) => _current = log;

    public void Unbind() => _current = null;

    public ILogger CreateLogger(string categoryName) => new Forwarder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Forwarder(ReplayLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => sink._current?.CreateLogger(category).IsEnabled(logLevel) ?? false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._current?.CreateLogger(category).Log(logLevel, eventId, state, exception, formatter);
    }
}
