namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>How one launcher process ended, what it printed, and the process id the test started it as.</summary>
internal sealed record LauncherRun(int ExitCode, string StandardOutput, string StandardError, int ProcessId)
{
    /// <summary>The data of the one <c>::error::</c> workflow command the launcher printed (it fails with exactly one).</summary>
    public string SingleError()
    {
        var errors = StandardOutput.Split('\n')
            .Where(line => line.StartsWith("::error::", StringComparison.Ordinal))
            .Select(line => line["::error::".Length..].TrimEnd('\r'))
            .ToList();
        Assert.True(errors.Count == 1, $"expected one ::error:: line, got {errors.Count}; stdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        return errors[0];
    }
}
