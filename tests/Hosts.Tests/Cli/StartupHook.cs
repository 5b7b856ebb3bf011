using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

#pragma warning disable CA1050 // The runtime finds a startup hook only as StartupHook in the global namespace.
#pragma warning disable IDE0130

/// <summary>
/// Loaded into a blacksmith process by <c>DOTNET_STARTUP_HOOKS</c> (JsonTypeInfoColdPathTests): when the process exits,
/// writes to the file named by <see cref="ReportVariable"/> every System.Text.Json type info the process created, one
/// type a line, read from the caches of each source-generated context's options and of the serializer's own options.
/// The JIT build runs the code the Native AOT build ships; only the reflection here is the test's.
/// </summary>
internal static class StartupHook
{
    public const string ReportVariable = "BLACKSMITH_TEST_TYPE_INFO_REPORT";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(ReportVariable) is not { Length: > 0 } report)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.WriteAllLines(report, Created());
    }

    private static List<string> Created()
    {
        var lines = new List<string>();
        foreach (var options in OptionsInUse())
        {
            lines.AddRange(CachedTypes(options.Options).Select(t => $"{options.Owner}: {t}"));
        }

        return lines;
    }

    // The options of every context whose default instance exists, and the serializer's own default options if made.
    private static IEnumerable<(string Owner, JsonSerializerOptions Options)> OptionsInUse()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = [.. ex.Types.OfType<Type>()];
            }

            foreach (var type in types.Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)) && !t.IsAbstract))
            {
                foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Where(f => f.FieldType == type))
                {
                    if (field.GetValue(null) is JsonSerializerContext context)
                    {
                        yield return (type.Name, context.Options);
                    }
                }
            }
        }

        foreach (var field in typeof(JsonSerializerOptions).GetFields(BindingFlags.Static | BindingFlags.NonPublic).Where(f => f.FieldType == typeof(JsonSerializerOptions)))
        {
            if (field.GetValue(null) is JsonSerializerOptions options)
            {
                yield return ($"JsonSerializerOptions.{field.Name}", options);
            }
        }
    }

    // The options' cache of type infos (shared by options of equal settings), its last one and its object one. The
    // fields are the runtime's; if they move, the report says so and the test fails rather than passing blind.
    private static IEnumerable<string> CachedTypes(JsonSerializerOptions options)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;
        var optionsType = typeof(JsonSerializerOptions);
        var caching = optionsType.GetField("_cachingContext", Instance);
        var last = optionsType.GetField("_lastTypeInfo", Instance);
        var objectInfo = optionsType.GetField("_objectTypeInfo", Instance);
        if (caching is null || last is null || objectInfo is null)
        {
            yield return "(cannot inspect: JsonSerializerOptions has no _cachingContext, _lastTypeInfo or _objectTypeInfo field)";
            yield break;
        }

        if (last.GetValue(options) is JsonTypeInfo lastInfo)
        {
            yield return lastInfo.Type.FullName!;
        }

        if (objectInfo.GetValue(options) is JsonTypeInfo objectTypeInfo)
        {
            yield return objectTypeInfo.Type.FullName!;
        }

        if (caching.GetValue(options) is not { } context)
        {
            yield break;
        }

        if (context.GetType().GetField("_cache", Instance)?.GetValue(context) is not IDictionary cache)
        {
            yield return "(cannot inspect: the caching context has no _cache dictionary)";
            yield break;
        }

        foreach (var type in cache.Keys.OfType<Type>())
        {
            yield return type.FullName!;
        }
    }
}
