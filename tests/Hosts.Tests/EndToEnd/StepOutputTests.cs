using Blacksmith.Hosts.Tests.EndToEnd.Runner;
using static Blacksmith.Hosts.Tests.EndToEnd.SimulatedJobTests;

namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>What a step writes, as the runner reads it: one ordered stream, so groups hold what they announce.</summary>
public sealed class StepOutputTests : IAsyncDisposable
{
    private readonly RunnerSimulator _runner = RunnerSimulator.Create();

    [RequiresRunnerFact]
    public async Task Buildx_output_and_log_lines_stay_inside_the_build_group_on_stdout()
    {
        var job = await _runner.RunJobAsync([Setup("builder"), Build("api")]);

        AssertGreen(job);
        foreach (var step in job.Steps)
        {
            // The runner reads stderr through its own pipe: anything there may overtake or trail the ::group:: lines.
            Assert.True(step.Run!.Errors.Length == 0, $"{step.Id} ({step.Stage}) wrote to stderr:\n{step.Run.Errors}");
        }

        var output = job.Main("api").Run!.Output.Split('\n');
        var opened = Array.FindIndex(output, l => l.StartsWith("::group::docker buildx build: api", StringComparison.Ordinal));
        var closed = Array.FindIndex(output, l => l.StartsWith("::endgroup::", StringComparison.Ordinal));
        var buildx = Array.FindIndex(output, l => l.Contains("RUN echo built", StringComparison.Ordinal));
        Assert.True(opened >= 0 && opened < buildx && buildx < closed, string.Join('\n', output));
    }

    public ValueTask DisposeAsync() => _runner.DisposeAsync();
}
