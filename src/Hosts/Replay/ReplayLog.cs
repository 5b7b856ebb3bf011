using Microsoft.Extensions.Logging;

namespace Blacksmith.Replay;

/// <summary>Keeps the warnings and errors the engine logs during a replay: what a user would see in the CI log.</summary>
internal sealed class ReplayLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<string> _warnings = [];
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_gate)
            {
                return [.. _warnings];
            }
        }
    }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Collector(this);

    /// <summary>A warning a host shows the user itself (not through a logger).</summary>
    public void Warn(string message) => Add(LogLevel.Warning, message);

    /// <summary>An error a host shows the user itself.</summary>
    public void Error(string message) => Add(LogLevel.Error, message);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string message)
    {
        lock (_gate)
        {
            (level >= LogLevel.Error ? _errors : _warnings).Add(message);
        }
    }

    private sealed class Collector(ReplayLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                log.Add(logLevel, formatter(state, exception));
            }
        }
    }
}
