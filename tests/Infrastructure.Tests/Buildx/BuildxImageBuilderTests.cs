using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>
/// The adapter where no docker runs (the docker double has its own tests): a missing docker is an error of its own
/// kind, and nothing is left behind.
/// </summary>
public sealed class BuildxImageBuilderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_missing_docker_is_a_Missing_error_naming_it_and_no_build_directory_is_made()
    {
        var empty = Directory.CreateDirectory(_temp.Sub("empty-path")).FullName;
        var builder = new BuildxImageBuilder(
            new BuildxOptions { SearchPath = empty, TemporaryRoot = _temp.Sub("job") },
            Builds.GitHub,
            new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System),
            new ListLogger<BuildxImageBuilder>(),
            TimeProvider.System);

        var error = await Assert.ThrowsAsync<ExternalCallException>(
            () => builder.BuildAsync(new BuildRequest("b1", string.Empty, new BuildInputs()), TestContext.Current.CancellationToken));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Contains("'docker' is not installed", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Sub("job")));
    }

    [Fact]
    public async Task A_build_cancelled_before_it_starts_reports_Cancelled()
    {
        var builder = new BuildxImageBuilder(
            new BuildxOptions { SearchPath = _temp.Path, TemporaryRoot = _temp.Sub("job") },
            Builds.GitHub,
            new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System),
            new ListLogger<BuildxImageBuilder>(),
            TimeProvider.System);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var report = await builder.BuildAsync(new BuildRequest("b1", string.Empty, new BuildInputs()), cancelled.Token);

        Assert.Equal(BuildResult.Cancelled, report.Result);
        Assert.False(Directory.Exists(_temp.Sub("job")));
    }
}
