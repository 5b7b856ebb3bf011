using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Buildkit;

namespace Blacksmith.Hosts.Tests.EntryPoints;

/// <summary>Where a job's BuildKit root and daemon address are: fixed on a Blacksmith runner, the job's own elsewhere.</summary>
public sealed class HostSettingsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("blacksmith-settings-");

    [Fact]
    public void A_Blacksmith_runner_uses_the_fixed_root_and_address()
    {
        var settings = HostSettings.FromEnvironment(Job("a"), Env(("BLACKSMITH_VM_ID", "vm-1")), isRoot: true);

        Assert.Equal(("/var/lib/buildkit", "tcp://127.0.0.1:1234"), (settings.MountPoint, settings.DaemonAddress));
        Assert.Null(settings.Problem);
    }

    [Fact]
    public void Elsewhere_the_root_is_named_by_the_job_directory_and_the_daemon_listens_on_a_socket_in_it()
    {
        var job = Job("a");

        var settings = HostSettings.FromEnvironment(job, Env(), isRoot: true);

        Assert.Equal(Path.Combine("/var/lib/blacksmith/roots", JobBuildkitPaths.RootName(job)), settings.MountPoint);
        Assert.Equal($"unix://{job}/buildkitd.sock", settings.DaemonAddress);
        Assert.Null(settings.Problem);
    }

    [Fact]
    public void Two_jobs_on_one_machine_never_share_a_root_or_an_address()
    {
        // Two self-hosted runners' RUNNER_TEMPs, and a job directory long enough to need a socket elsewhere.
        var jobs = new[] { Job("runner-1/_temp/blacksmith/4200-build-1"), Job("runner-2/_temp/blacksmith/4200-build-1"), Job(new string('x', 100)) };

        var settings = jobs.Select(j => HostSettings.FromEnvironment(j, Env(), isRoot: true)).ToList();

        Assert.Equal(jobs.Length, settings.Select(s => s.MountPoint).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(jobs.Length, settings.Select(s => s.DaemonAddress).Distinct(StringComparer.Ordinal).Count());
        Assert.All(settings, s => Assert.Null(s.Problem));
    }

    [Fact]
    public void Not_root_the_roots_are_in_the_users_runtime_directory()
    {
        var settings = HostSettings.FromEnvironment(Job("a"), Env(("XDG_RUNTIME_DIR", "/run/user/1000")), isRoot: false);

        Assert.StartsWith("/run/user/1000/blacksmith/roots/", settings.MountPoint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("vm-1")]
    public void The_overrides_win_on_every_machine(string? vmId)
    {
        var settings = HostSettings.FromEnvironment(
            Job("a"),
            Env(("BLACKSMITH_VM_ID", vmId), ("BLACKSMITH_BUILDKIT_ROOT", " /srv/buildkit "), ("BLACKSMITH_BUILDKIT_ADDRESS", "tcp://127.0.0.1:4321")),
            isRoot: true);

        Assert.Equal(("/srv/buildkit", "tcp://127.0.0.1:4321"), (settings.MountPoint, settings.DaemonAddress));
        Assert.Null(settings.Problem);
    }

    [Fact]
    public void A_relative_root_or_an_unusable_address_override_is_a_problem_naming_the_variable()
    {
        var settings = HostSettings.FromEnvironment(
            Job("a"), Env(("BLACKSMITH_BUILDKIT_ROOT", "buildkit"), ("BLACKSMITH_BUILDKIT_ADDRESS", "unix://buildkitd.sock")), isRoot: true);

        Assert.Contains("BLACKSMITH_BUILDKIT_ROOT must be an absolute path, but is 'buildkit'", settings.Problem, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_BUILDKIT_ADDRESS must be", settings.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_directory_too_long_to_name_a_root_is_a_problem_saying_to_set_the_root()
    {
        var job = Job(string.Join('/', Enumerable.Repeat(new string('d', 60), 4)));

        var settings = HostSettings.FromEnvironment(job, Env(), isRoot: true);

        Assert.Contains("This job has no BuildKit root", settings.Problem, StringComparison.Ordinal);
        Assert.Contains("Set BLACKSMITH_BUILDKIT_ROOT", settings.Problem, StringComparison.Ordinal);
        // With the root given, the same job is fine: its socket falls back to one named by device and inode.
        Assert.Null(HostSettings.FromEnvironment(job, Env(("BLACKSMITH_BUILDKIT_ROOT", "/srv/r")), isRoot: true).Problem);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Job(string name) => Directory.CreateDirectory(Path.Combine(_dir.FullName, name)).FullName;

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
