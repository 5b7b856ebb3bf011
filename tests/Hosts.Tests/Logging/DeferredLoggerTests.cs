using System.Text.Json;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.Ci;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Blacksmith.Hosts.Tests.Logging;

/// <summary>A step's logger is built by its first event at an enabled level: a step that logs nothing pays for no pipeline.</summary>
public sealed class DeferredLoggerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-log-");

    private string LogFile => Path.Combine(_dir.FullName, BlacksmithLogging.LogFileName);

    [Fact]
    public void A_step_that_logs_nothing_at_its_level_builds_no_pipeline_and_leaves_no_log_file()
    {
        using (var logger = BlacksmithLogging.CreateDeferred(_dir.FullName, verbose: false, CiKind.Generic, secrets: null))
        {
            using var factory = new SerilogLoggerFactory(logger);
            var category = factory.CreateLogger<DeferredLoggerTests>();

            Assert.True(category.IsEnabled(LogLevel.Information));
            Assert.False(category.IsEnabled(LogLevel.Debug));
            category.LogDebug("not at this level");

            Assert.False(logger.IsBuilt);
        }

        Assert.False(File.Exists(LogFile));
    }

    [Theory]
    [InlineData(false, LogLevel.Information)]
    [InlineData(true, LogLevel.Debug)]
    public void The_first_event_at_its_level_builds_the_pipeline_and_is_written_with_its_category_and_properties(bool verbose, LogLevel level)
    {
        using (var logger = BlacksmithLogging.CreateDeferred(_dir.FullName, verbose, CiKind.Generic, secrets: null))
        {
            using var factory = new SerilogLoggerFactory(logger);
            var category = factory.CreateLogger<DeferredLoggerTests>();
            Assert.True(category.IsEnabled(level));
            if (category.IsEnabled(level))
            {
                category.Log(level, "drained {Builds} builds", 3);
            }

            Assert.True(logger.IsBuilt);
        }

        var line = Assert.Single(File.ReadAllLines(LogFile));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("drained {Builds} builds", json.RootElement.GetProperty("@mt").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("Builds").GetInt32());
        Assert.Equal(typeof(DeferredLoggerTests).FullName, json.RootElement.GetProperty("SourceContext").GetString());
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
