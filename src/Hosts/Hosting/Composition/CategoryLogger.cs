using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// An <see cref="ILogger{TCategoryName}"/> whose category is given as text. Microsoft's <c>Logger&lt;T&gt;</c> works the
/// category out from <typeparamref name="T"/>'s name, which under Native AOT is reflection over the type's metadata: about
/// 2 % of a post with nothing to clean up, for the same text.
/// </summary>
internal sealed class CategoryLogger<T>(ILogger logger) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => logger.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        logger.Log(logLevel, eventId, state, exception, formatter);
}
