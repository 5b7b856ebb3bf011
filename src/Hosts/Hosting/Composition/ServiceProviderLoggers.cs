using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// A logger for a factory registration. Asked for as <c>ILogger&lt;T&gt;</c>, the container would close its open generic
/// <c>Logger&lt;&gt;</c> over the category and invoke its constructor by reflection, which under Native AOT means
/// building the type at run time on each step's start; the factory makes the same logger directly.
/// </summary>
internal static class ServiceProviderLoggers
{
    public static ILogger<T> LoggerFor<T>(this IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger<T>();
}
