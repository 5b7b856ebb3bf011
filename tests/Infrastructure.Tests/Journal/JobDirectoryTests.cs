using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.Unix;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Journal;

public sealed partial class JobDirectoryTests
{
    private const string Temp = "/tmp";

    private static readonly Dictionary<string, string?> GitHub = new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["RUNNER_TEMP"] = "/home/runner/work/_temp",
        ["GITHUB_RUN_ID"] = "9876543210",
        ["GITHUB_JOB"] = "build",
        ["GITHUB_RUN_ATTEMPT"] = "2",
    };

    [Fact]
    public void The_flag_wins_over_every_other_source()
    {
        var env = With(GitHub, ("BLACKSMITH_JOB_DIR", "/from/env"), ("CI_JOB_ID", "5"));

        var dir = JobDirectory.Resolve("/from/flag", env, Temp);

        Assert.Equal(new JobDirectory("/from/flag", JobDirectorySource.Flag), dir);
    }

    [Fact]
    public void The_environment_variable_wins_over_the_ci_when_there_is_no_flag()
    {
        var env = With(GitHub, ("BLACKSMITH_JOB_DIR", "/from/env/"));

        var dir = JobDirectory.Resolve(null, env, Temp);

        Assert.Equal(new JobDirectory("/from/env", JobDirectorySource.EnvironmentVariable), dir);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_flag_counts_as_not_given(string flag)
    {
        var dir = JobDirectory.Resolve(flag, Only(("BLACKSMITH_JOB_DIR", "/from/env")), Temp);

        Assert.Equal(JobDirectorySource.EnvironmentVariable, dir.Source);
    }

    [Fact]
    public void GitHub_Actions_gets_a_directory_per_run_job_and_attempt_under_runner_temp()
    {
        var dir = JobDirectory.Resolve(null, GitHub, Temp);

        Assert.Equal(new JobDirectory("/home/runner/work/_temp/blacksmith/9876543210-build-2", JobDirectorySource.GitHubActions), dir);
    }

    [Fact]
    public void A_link_in_place_of_the_blacksmith_directory_a_gitlab_job_directory_is_derived_under_is_refused_before_anything_is_made()
    {
        // On GitLab the job directory is derived under the system temp directory, which every user of the machine can write to.
        using var temp = new TempDirectory();
        var elsewhere = Directory.CreateDirectory(temp.Sub("elsewhere")).FullName;
        File.CreateSymbolicLink(temp.Sub("blacksmith"), elsewhere);
        var dir = JobDirectory.Resolve(null, Only(("CI_JOB_ID", "77")), temp.Path);

        var refused = Assert.Throws<JobDirectoryException>(dir.Prepare);

        Assert.StartsWith($"The job directory {dir.Path} (derived from CI_JOB_ID) is inside {temp.Sub("blacksmith")}, which is a symbolic link (to {elsewhere})", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    [Fact]
    public void A_job_directory_that_is_a_link_is_refused_even_when_its_target_is_a_directory_of_this_user()
    {
        using var temp = new TempDirectory();
        var target = Directory.CreateDirectory(temp.Sub("real-job")).FullName;
        File.CreateSymbolicLink(temp.Sub("job"), target);

        var refused = Assert.Throws<JobDirectoryException>(new JobDirectory(temp.Sub("job"), JobDirectorySource.Flag).Prepare);

        Assert.Contains("is a symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void A_job_directory_of_this_user_is_made_and_accepted()
    {
        using var temp = new TempDirectory();

        new JobDirectory(temp.Sub("job"), JobDirectorySource.Flag).Prepare();

        Assert.True(Directory.Exists(temp.Sub("job")));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void A_job_directory_prepare_makes_is_private_to_this_user()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "file modes are checked on Linux");
        using var temp = new TempDirectory();
        var dir = JobDirectory.Resolve(null, Only(("CI_JOB_ID", "41")), temp.Path);

        dir.Prepare();

        Assert.Equal(UnixFiles.PrivateDirectory, File.GetUnixFileMode(dir.Path));
    }

    [Fact]
    public void GitHub_Actions_without_a_run_attempt_counts_as_the_first_attempt()
    {
        var env = new Dictionary<string, string?>(GitHub) { ["GITHUB_RUN_ATTEMPT"] = null };

        Assert.Equal("/home/runner/work/_temp/blacksmith/9876543210-build-1", JobDirectory.Resolve(null, env, Temp).Path);
    }

    [Fact]
    public void GitHub_Actions_is_recognised_only_when_GITHUB_ACTIONS_is_true()
    {
        var env = new Dictionary<string, string?>(GitHub) { ["GITHUB_ACTIONS"] = "false" };

        Assert.Throws<JobDirectoryException>(() => JobDirectory.Resolve(null, env, Temp));
    }

    [Fact]
    public void GitHub_Actions_wins_over_other_ci_ids()
    {
        var dir = JobDirectory.Resolve(null, With(GitHub, ("CI_JOB_ID", "5"), ("BUILDKITE_JOB_ID", "x")), Temp);

        Assert.Equal(JobDirectorySource.GitHubActions, dir.Source);
    }

    [Fact]
    public void GitLab_gets_a_directory_named_after_its_job_id_under_the_system_temp_directory()
    {
        var dir = JobDirectory.Resolve(null, Only(("CI_JOB_ID", "4242"), ("BUILDKITE_JOB_ID", "x")), "/var/tmp/");

        Assert.Equal(new JobDirectory("/var/tmp/blacksmith/gitlab-4242", JobDirectorySource.GitLab), dir);
    }

    [Fact]
    public void Buildkite_gets_a_directory_named_after_its_job_id_under_the_system_temp_directory()
    {
        var dir = JobDirectory.Resolve(null, Only(("BUILDKITE_JOB_ID", "01890f6e-5a3b-4c1d-9e2f-3a4b5c6d7e8f")), Temp);

        Assert.Equal(new JobDirectory("/tmp/blacksmith/buildkite-01890f6e-5a3b-4c1d-9e2f-3a4b5c6d7e8f", JobDirectorySource.Buildkite), dir);
    }

    [Fact]
    public void Without_any_job_identity_the_error_asks_for_the_flag_or_the_variable()
    {
        var error = Assert.Throws<JobDirectoryException>(() => JobDirectory.Resolve(null, Only(("RUNNER_TEMP", "/x"), ("HOME", "/root")), Temp));

        Assert.Contains("--job-dir", error.Message, StringComparison.Ordinal);
        Assert.Contains("BLACKSMITH_JOB_DIR", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("relative/dir", null)]
    [InlineData(null, "./journal")]
    public void A_relative_path_is_refused_because_steps_run_in_different_directories(string? flag, string? env)
    {
        var error = Assert.Throws<JobDirectoryException>(() => JobDirectory.Resolve(flag, Only(("BLACKSMITH_JOB_DIR", env)), Temp));

        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("job\\..\\..")]
    [InlineData("build (linux, 22.04)")]
    public void Environment_values_never_leave_the_blacksmith_directory(string job)
    {
        var env = new Dictionary<string, string?>(GitHub) { ["GITHUB_JOB"] = job, ["GITHUB_RUN_ID"] = job };

        var dir = JobDirectory.Resolve(null, env, Temp);

        Assert.Equal("/home/runner/work/_temp/blacksmith", Path.GetDirectoryName(Path.GetFullPath(dir.Path)));
        Assert.DoesNotContain("..", Path.GetFileName(dir.Path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..", "__")]
    [InlineData(".", "_")]
    [InlineData("", "_")]
    [InlineData("a/../b", "a____b")]
    [InlineData("build-and_test.1", "build-and_test.1")]
    public void Sanitize_keeps_safe_characters_and_replaces_the_rest(string value, string expected)
    {
        Assert.Equal(expected, JobDirectory.Sanitize(value));
    }

    [Fact]
    public void Sanitize_turns_any_text_into_one_harmless_path_component()
    {
        var faker = new Faker { Random = new Randomizer(7) };
        for (var i = 0; i < 500; i++)
        {
            var value = faker.Random.String2(faker.Random.Int(0, 150), "./\\-_ aZ9\u00e9\u4e2d:*?\"<>|\n\0");

            var component = JobDirectory.Sanitize(value);

            Assert.Matches(SafeComponent(), component);
            Assert.DoesNotContain("..", component, StringComparison.Ordinal);
            Assert.NotEqual(".", component);
            Assert.InRange(component.Length, 1, 100);
        }
    }

    [Fact]
    public void The_environment_is_read_only_through_the_given_lookup()
    {
        var asked = new List<string>();

        Assert.Throws<JobDirectoryException>(() => JobDirectory.Resolve(null, name =>
        {
            asked.Add(name);
            return null;
        }, Temp));

        Assert.Contains("BLACKSMITH_JOB_DIR", asked);
        Assert.Contains("CI_JOB_ID", asked);
    }

    private static Dictionary<string, string?> Only(params (string Name, string? Value)[] values) => With(new Dictionary<string, string?>(), values);

    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> baseline, params (string Name, string? Value)[] values)
    {
        var env = new Dictionary<string, string?>(baseline);
        foreach (var (name, value) in values)
        {
            env[name] = value;
        }

        return env;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeComponent();
}
