using System.Globalization;

namespace Blacksmith.Doubles.Docker;

/// <summary>The faults a test asked for through BLACKSMITH_DOCKER_DOUBLE_FAULT (the buildkitd double's convention).</summary>
internal sealed record Faults
{
    public const string Variable = "BLACKSMITH_DOCKER_DOUBLE_FAULT";

    /// <summary>No buildx plugin; the value says which docker's message (null: no fault).</summary>
    public NoBuildx? NoBuildx { get; init; }

    public string? Version { get; init; }

    public bool CreateFails { get; init; }

    public bool CreateHangs { get; init; }

    public bool BadInspect { get; init; }

    public bool BuildFails { get; init; }

    public bool BuildDies { get; init; }

    /// <summary>How long a build waits; <see cref="Timeout.InfiniteTimeSpan"/> until signalled; null: no wait.</summary>
    public TimeSpan? BuildWait { get; init; }

    public bool BuildWarning { get; init; }

    public bool BadMetadata { get; init; }

    public static Faults FromEnvironment()
    {
        var faults = new Faults();
        foreach (var fault in (Environment.GetEnvironmentVariable(Variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = fault.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
                ? (fault[..colon], fault[(colon + 1)..])
                : (fault, null);
            faults = name switch
            {
                "no-buildx" => faults with { NoBuildx = value == "old" ? Docker.NoBuildx.OldCli : Docker.NoBuildx.CurrentCli },
                "version" => faults with { Version = value ?? throw new ArgumentException("fault version needs :<text>") },
                "create-fail" => faults with { CreateFails = true },
                "create-hang" => faults with { CreateHangs = true },
                "bad-inspect" => faults with { BadInspect = true },
                "build-fail" => faults with { BuildFails = true },
                "build-die" => faults with { BuildDies = true },
                "build-slow" => faults with
                {
                    BuildWait = value is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)),
                },
                "build-warning" => faults with { BuildWarning = true },
                "bad-metadata" => faults with { BadMetadata = true },
                _ => throw new ArgumentException($"unknown fault '{fault}' in {Variable}"),
            };
        }

        return faults;
    }
}
