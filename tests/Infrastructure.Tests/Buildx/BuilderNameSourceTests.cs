using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Infrastructure.Tests.Buildx;

public sealed class BuilderNameSourceTests
{
    [Fact]
    public void Names_are_the_time_in_base_36_as_setup_docker_builder_writes_them()
    {
        // In JavaScript: `blacksmith-${new Date('2025-08-17T12:00:00Z').getTime().toString(36)}`.
        var names = new BuilderNameSource(new VirtualTime(new DateTimeOffset(2025, 8, 17, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal("blacksmith-mefmw000", names.Next());
    }

    [Fact]
    public void Two_names_within_one_millisecond_differ()
    {
        var names = new BuilderNameSource(new VirtualTime(new DateTimeOffset(2025, 8, 17, 12, 0, 0, TimeSpan.Zero)));

        Assert.Equal(["blacksmith-mefmw000", "blacksmith-mefmw001", "blacksmith-mefmw002"], [names.Next(), names.Next(), names.Next()]);
    }

    [Fact]
    public void Names_are_valid_buildx_instance_names()
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var names = new BuilderNameSource(time);

        for (var i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromDays(397.3));
            // store.ValidateName: a letter, then letters, digits, '.', '-' or '_'.
            Assert.Matches("^[a-zA-Z][a-zA-Z0-9.\\-_]*$", names.Next());
        }
    }
}
