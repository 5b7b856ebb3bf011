using System.Reflection;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Lifecycle.Events;

namespace Blacksmith.Orchestration.Tests.Lifecycle;

/// <summary>Events are journaled as they are; a property named like a secret is one step from writing a secret.</summary>
public sealed class EventSecretsTests
{
    private static readonly string[] SecretWords = ["token", "secret", "password", "passwd", "credential", "apikey", "key", "auth", "cookie", "bearer"];

    // A cache key names a cache, not a credential.
    private static readonly HashSet<string> Allowed = [$"{nameof(SetupFacts)}.{nameof(SetupFacts.CacheKey)}", $"{nameof(SessionAttached)}.{nameof(SessionAttached.CacheKey)}"];

    [Fact]
    public void Events_carry_no_property_named_like_a_secret_at_any_depth()
    {
        var seen = new List<string>();
        foreach (var type in EventTypes())
        {
            Walk(type, seen, []);
        }

        var suspicious = seen
            .Where(p => !Allowed.Contains(p))
            .Where(p => SecretWords.Any(word => p[(p.LastIndexOf('.') + 1)..].Contains(word, StringComparison.OrdinalIgnoreCase)))
            .ToList();

        Assert.Empty(suspicious);
        // The walk must reach nested facts, or it proves nothing about them.
        Assert.Contains($"{nameof(SetupFacts)}.{nameof(SetupFacts.CacheKey)}", seen);
        Assert.Contains($"{nameof(DaemonIdentity)}.{nameof(DaemonIdentity.Address)}", seen);
    }

    [Fact]
    public void There_is_an_event_type_for_every_trigger_to_check()
    {
        Assert.Equal(Enum.GetValues<LifecycleTrigger>().Length, EventTypes().Count());
    }

    private static IEnumerable<Type> EventTypes() =>
        typeof(LifecycleEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LifecycleEvent)) && !t.IsAbstract);

    private static void Walk(Type type, List<string> seen, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            seen.Add($"{type.Name}.{property.Name}");
            var inner = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (inner.Namespace?.StartsWith("Blacksmith", StringComparison.Ordinal) == true && !inner.IsEnum)
            {
                Walk(inner, seen, visiting);
            }
        }

        visiting.Remove(type);
    }
}
