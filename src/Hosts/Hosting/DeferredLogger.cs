using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Blacksmith.Hosting;

/// <summary>
/// A Serilog logger whose pipeline is built when the first event at an enabled level is written, not when the step
/// starts. Building it reads Serilog's assembly version through Native AOT's reflection (its self-metrics meter) and
/// opens the JSON log next to the journal: about 5 % of a post with nothing to clean up, which logs nothing at the
/// default level. Which levels are enabled is known from the configuration, so asking builds nothing.
/// </summary>
internal sealed class DeferredLogger : ILogger, IDisposable
{
    private readonly Lazy<Logger>? _root;
    private readonly Lazy<ILogger> _logger;
    private readonly LogEventLevel _minimum;

    /// <param name="create">Builds the pipeline, at most once; the logger built is disposed with this one.</param>
    /// <param name="minimum">The pipeline's minimum level, as <paramref name="create"/> configures it.</param>
    public DeferredLogger(Func<Logger> create, LogEventLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(create);
        _root = new Lazy<Logger>(create, LazyThreadSafetyMode.ExecutionAndPublication);
        _logger = new Lazy<ILogger>(() => _root.Value, LazyThreadSafetyMode.ExecutionAndPublication);
        _minimum = minimum;
    }

    private DeferredLogger(Func<ILogger> resolve, LogEventLevel minimum)
    {
        _logger = new Lazy<ILogger>(resolve, LazyThreadSafetyMode.ExecutionAndPublication);
        _minimum = minimum;
    }

    /// <summary>Whether the pipeline has been built (an event was written).</summary>
    public bool IsBuilt => _logger.IsValueCreated;

    public bool IsEnabled(LogEventLevel level) => level >= _minimum;

    public void Write(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        if (IsEnabled(logEvent.Level))
        {
            _logger.Value.Write(logEvent);
        }
    }

    // Binding is done only for an event about to be written, so it may build the pipeline.
    public bool BindMessageTemplate(string messageTemplate, object?[]? propertyValues, out MessageTemplate parsedTemplate, out IEnumerable<LogEventProperty> boundProperties) =>
        _logger.Value.BindMessageTemplate(messageTemplate, propertyValues, out parsedTemplate!, out boundProperties!);

    public bool BindProperty(string? propertyName, object? value, bool destructureObjects, out LogEventProperty property) =>
        _logger.Value.BindProperty(propertyName, value, destructureObjects, out property!);

    public ILogger ForContext(ILogEventEnricher enricher) => Child(logger => logger.ForContext(enricher));

    public ILogger ForContext(IEnumerable<ILogEventEnricher> enrichers) => Child(logger => logger.ForContext(enrichers));

    public ILogger ForContext(string propertyName, object? value, bool destructureObjects = false) =>
        Child(logger => logger.ForContext(propertyName, value, destructureObjects));

    public ILogger ForContext<TSource>() => Child(logger => logger.ForContext<TSource>());

    public ILogger ForContext(Type source) => Child(logger => logger.ForContext(source));

    public void Dispose()
    {
        if (_root is { IsValueCreated: true })
        {
            _root.Value.Dispose();
        }
    }

    private DeferredLogger Child(Func<ILogger, ILogger> context) => new(() => context(_logger.Value), _minimum);
}
