using System.Globalization;

namespace Blacksmith.Doubles.Buildkitd;

/// <summary>The faults a test asked for through BLACKSMITH_DOUBLE_FAULT.</summary>
internal sealed record Faults(TimeSpan SlowStart, bool CrashBbolt, TimeSpan? WorkersAfter, bool IgnoreSigterm)
{
    public const string Variable = "BLACKSMITH_DOUBLE_FAULT";

    public static Faults FromEnvironment()
    {
        var slowStart = TimeSpan.Zero;
        TimeSpan? workersAfter = TimeSpan.Zero;
        bool crash = false, ignore = false;
        foreach (var fault in (Environment.GetEnvironmentVariable(Variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, value) = fault.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
                ? (fault[..colon], fault[(colon + 1)..])
                : (fault, null);
            switch (name)
            {
                case "slow-start":
                    slowStart = Milliseconds(value);
                    break;
                case "workers-late":
                    workersAfter = Milliseconds(value);
                    break;
                case "never-ready":
                    workersAfter = null;
                    break;
                case "crash-bbolt":
                    crash = true;
                    break;
                case "ignore-sigterm":
                    ignore = true;
                    break;
                default:
                    throw new ArgumentException($"unknown fault '{fault}' in {Variable}");
            }
        }

        return new Faults(slowStart, crash, workersAfter, ignore);
    }

    private static TimeSpan Milliseconds(string? value) =>
        TimeSpan.FromMilliseconds(int.Parse(value ?? throw new ArgumentException("fault needs :<ms>"), CultureInfo.InvariantCulture));
}
