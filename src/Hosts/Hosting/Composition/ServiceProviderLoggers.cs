using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// A logger for a factory registration. Asked for as <c>ILogger&lt;T&gt;</c>, the container would close its open generic
/// <c>Logger&lt;&gt;</c> over the category and invoke its constructor by reflection, which under Native AOT means
/// building the type at run time on each step's start; and <c>Logger&lt;T&gt;</c> itself reads the category's name from
/// the type by reflection. The factory makes the same logger directly, under the name it is given.
/// </summary>
internal static class ServiceProviderLoggers
{
    /// <param name="services">The container, which holds the logger factory.</param>
    /// <param name="category">
    /// <typeparamref name="T"/>'s full name without its type arguments, the category <c>Logger&lt;T&gt;</c> gives (the
    /// hosts' tests check that each names a type of ours).
    /// </param>
    public static ILogger<T> LoggerFor<T>(this IServiceProvider services, string category) =>
        new CategoryLogger<T>(services.GetRequiredService<ILoggerFactory>().CreateLogger(category));
}
