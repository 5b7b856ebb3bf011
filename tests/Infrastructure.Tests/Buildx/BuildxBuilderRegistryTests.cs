using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.Logging;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The buildx adapter against the docker double and a real buildkitd double, each test in its own store.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildxBuilderRegistryTests : IAsyncDisposable
{
    private const string Name = "blacksmith-mefmw000";

    private readonly BuildxHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Register_creates_a_remote_builder_for_the_daemon_and_makes_it_current()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry();

        var name = (await registry.RegisterAsync(_harness.Address, Token)).Name;

        Assert.Equal(Name, name);
        var current = await registry.InspectAsync(null, Token);
        Assert.Equal(Name, current.Name);
        Assert.Equal("remote", current.Driver);
        var node = Assert.Single(current.Nodes);
        Assert.Equal(_harness.Address, node.Endpoint);
        Assert.Equal("running", node.Status);
        Assert.Equal([HostPlatform.Current], current.Platforms);
        Assert.Equal(
            ["version", $"create --name {Name} --driver remote --platform {HostPlatform.Current} --use {_harness.Address}", $"inspect {Name}", "inspect"],
            _harness.Invocations());
    }

    [Fact]
    public async Task Register_makes_the_builder_current_with_one_create_and_inspects_it_once()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry();

        var registered = await registry.RegisterAsync(_harness.Address, Token);
        var described = await registry.InspectAsync(registered.Name, Token);

        Assert.Equal(Name, described.Name);
        Assert.Equal("running", Assert.Single(described.Nodes).Status);
        // The setup host's outputs come from the registration's own inspect: no use, no second inspect.
        Assert.Equal(["version", $"create --name {Name} --driver remote --platform {HostPlatform.Current} --use {_harness.Address}", $"inspect {Name}"], _harness.Invocations());
    }

    [Fact]
    public async Task Register_returns_the_buildx_version_driver_and_BuildKit_versions_a_build_needs()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry();

        var registered = await registry.RegisterAsync(_harness.Address, Token);

        var facts = Assert.IsType<BuilderFacts>(registered.Facts);
        Assert.Equal(await registry.VersionAsync(Token), facts.BuildxVersion);
        Assert.Equal("remote", facts.Driver);
        var node = Assert.Single((await registry.InspectAsync(Name, Token)).Nodes);
        Assert.Equal([node.BuildkitVersion!], facts.BuildkitVersions);
    }

    [Fact]
    public async Task Register_creates_a_remote_builder_for_a_daemon_on_a_unix_socket()
    {
        await _harness.StartDaemonAsync(_harness.UnixAddress);
        var registry = _harness.Registry();

        var name = (await registry.RegisterAsync(_harness.UnixAddress, Token)).Name;

        var node = Assert.Single((await registry.InspectAsync(name, Token)).Nodes);
        Assert.Equal(_harness.UnixAddress, node.Endpoint);
        Assert.Equal("running", node.Status);
        Assert.Contains($"create --name {Name} --driver remote --platform {HostPlatform.Current} --use {_harness.UnixAddress}", _harness.Invocations());
    }

    [Fact]
    public async Task Register_declares_the_configured_platforms_instead_of_the_hosts()
    {
        await _harness.StartDaemonAsync();
        var options = _harness.Options();
        options.Platforms = ["linux/amd64", "linux/arm64"];
        var registry = _harness.Registry(options);

        var name = (await registry.RegisterAsync(_harness.Address, Token)).Name;

        Assert.Equal(["linux/amd64", "linux/arm64"], (await registry.InspectAsync(name, Token)).Platforms);
    }

    [Fact]
    public async Task A_buildx_or_buildkit_version_other_than_the_one_asked_for_is_used_with_a_warning_naming_both()
    {
        await _harness.StartDaemonAsync();
        var options = _harness.Options();
        options.RequestedBuildxVersion = "v0.19.3";
        options.RequestedBuildkitVersion = "v0.17.0";

        var name = (await _harness.Registry(options).RegisterAsync(_harness.Address, Token)).Name;

        Assert.Equal(Name, name);
        var warnings = _harness.Log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("v0.19.3", StringComparison.Ordinal) && w.Contains("0.23.0", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("v0.17.0", StringComparison.Ordinal) && w.Contains("v0.23.2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("latest", null)]
    [InlineData("v0.23.0", "v0.23.2")]
    [InlineData(null, "latest")]
    public async Task Versions_that_match_or_were_not_pinned_raise_no_warning(string? buildx, string? buildkit)
    {
        await _harness.StartDaemonAsync();
        var options = _harness.Options();
        options.RequestedBuildxVersion = buildx;
        options.RequestedBuildkitVersion = buildkit;

        await _harness.Registry(options).RegisterAsync(_harness.Address, Token);

        Assert.DoesNotContain(_harness.Log.Entries, e => e.Level == LogLevel.Warning);
    }

    [Theory]
    [InlineData("no-buildx", "unknown command: docker buildx")]
    [InlineData("no-buildx:old", "'buildx' is not a docker command")]
    public async Task Register_without_the_buildx_plugin_fails_as_missing_docker_buildx(string fault, string complaint)
    {
        var registry = _harness.Registry(_harness.Options(fault));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Contains("docker buildx is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains(complaint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_without_docker_fails_as_missing_docker_buildx()
    {
        var options = _harness.Options();
        options.SearchPath = _harness.Scratch;
        var registry = _harness.Registry(options);

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.Missing, error.Kind);
        Assert.Equal("buildx.version", error.Operation);
        Assert.Contains("docker buildx is needed, but docker is not installed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_rejects_a_version_it_cannot_read()
    {
        var registry = _harness.Registry(_harness.Options("version:buildx-development-build"));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Contains("buildx-development-build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_create_is_reported_with_buildx_error_and_leaves_no_builder()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry(_harness.Options("create-fail"));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Equal("buildx.create", error.Operation);
        Assert.Contains($"ERROR: failed to initialize builder {Name}", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.StoredBuilders());
    }

    [Fact]
    public async Task A_create_that_hangs_times_out()
    {
        var time = new VirtualTime(BuildxHarness.Now);
        var options = _harness.Options("create-hang");
        var registry = _harness.Registry(options, time);

        var registering = registry.RegisterAsync(_harness.Address, Token);
        // The double logs its command line before it hangs; only then does the create's timeout run out.
        await OsProcesses.WaitUntilAsync(() => _harness.Invocations().Any(i => i.StartsWith("create ", StringComparison.Ordinal)), "docker buildx create to start", Token);
        time.Advance(options.CommandTimeout);
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registering);

        Assert.Equal(ExternalErrorKind.Timeout, error.Kind);
        Assert.Equal("buildx.create", error.Operation);
    }

    [Fact]
    public async Task Unparsable_inspect_output_is_a_bad_reply_and_the_new_builder_is_removed_again()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry(_harness.Options("bad-inspect"));

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.BadReply, error.Kind);
        Assert.Contains("expected a 'Name:' line", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected response", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.StoredBuilders());
        Assert.Equal("default", (await _harness.Registry().InspectAsync(null, Token)).Name);
    }

    [Fact]
    public async Task A_daemon_that_does_not_answer_makes_registration_unavailable_and_removes_the_builder()
    {
        var registry = _harness.Registry();

        var error = await Assert.ThrowsAsync<ExternalCallException>(() => registry.RegisterAsync(_harness.Address, Token));

        Assert.Equal(ExternalErrorKind.Unavailable, error.Kind);
        Assert.Contains("status inactive", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.StoredBuilders());
        Assert.Contains($"rm {Name}", _harness.Invocations());
    }

    [Fact]
    public async Task Fallback_reuses_a_current_builder_that_is_not_the_docker_driver()
    {
        var made = await _harness.DockerAsync(["buildx", "create", "--name", "mine", "--driver", "docker-container", "--use"]);
        Assert.True(made.Succeeded, made.Describe());

        var name = await _harness.Registry().ActivateFallbackAsync(Token);

        Assert.Equal("mine", name);
        Assert.Equal(["mine"], _harness.StoredBuilders());
    }

    [Fact]
    public async Task Fallback_keeps_the_registered_builder_while_its_daemon_answers()
    {
        await _harness.StartDaemonAsync();
        var registry = _harness.Registry();
        var registered = (await registry.RegisterAsync(_harness.Address, Token)).Name;

        var name = await registry.ActivateFallbackAsync(Token);

        Assert.Equal(registered, name);
    }

    [Fact]
    public async Task Fallback_creates_a_running_docker_container_builder_when_the_current_is_the_docker_default()
    {
        var registry = _harness.Registry();

        var name = await registry.ActivateFallbackAsync(Token);

        Assert.Equal(BuilderRegistryOptions.DefaultFallbackBuilderName, name);
        var current = await registry.InspectAsync(null, Token);
        Assert.Equal(name, current.Name);
        Assert.Equal("docker-container", current.Driver);
        Assert.Equal("running", Assert.Single(current.Nodes).Status);
        Assert.Contains($"create --name {name} --driver docker-container --use", _harness.Invocations());
    }

    [Fact]
    public async Task Fallback_replaces_a_remote_builder_whose_daemon_is_gone()
    {
        var daemon = await _harness.StartDaemonAsync();
        var registry = _harness.Registry();
        await registry.RegisterAsync(_harness.Address, Token);
        await BuildxHarness.StopDaemonAsync(daemon);

        var name = await registry.ActivateFallbackAsync(Token);

        Assert.Equal(BuilderRegistryOptions.DefaultFallbackBuilderName, name);
        Assert.Equal("docker-container", (await registry.InspectAsync(null, Token)).Driver);
    }

    [Fact]
    public async Task Fallback_gives_the_new_builder_the_registry_mirror_and_deletes_the_config_it_wrote()
    {
        var options = _harness.Options();
        options.RegistryMirror = "http://192.168.127.1:5000";

        var name = await _harness.Registry(options).ActivateFallbackAsync(Token);

        var inspect = await _harness.DockerAsync(["buildx", "inspect", name]);
        Assert.Contains("File#buildkitd.toml:", inspect.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("mirrors = [\"http://192.168.127.1:5000\"]", inspect.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[registry.\"192.168.127.1:5000\"]", inspect.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_harness.Scratch));
    }

    [Fact]
    public async Task Fallback_uses_a_docker_container_builder_an_earlier_job_left_behind()
    {
        var made = await _harness.DockerAsync(["buildx", "create", "--name", "local", "--driver", "docker-container"]);
        Assert.True(made.Succeeded, made.Describe());

        var name = await _harness.Registry().ActivateFallbackAsync(Token);

        Assert.Equal("local", name);
        Assert.Contains("use local", _harness.Invocations());
        Assert.DoesNotContain(_harness.Invocations(), i => i.StartsWith("create --name local --driver docker-container --use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fallback_reports_a_failed_create()
    {
        var error = await Assert.ThrowsAsync<ExternalCallException>(() => _harness.Registry(_harness.Options("create-fail")).ActivateFallbackAsync(Token));

        Assert.Equal(ExternalErrorKind.Failed, error.Kind);
        Assert.Contains("Cannot connect to the Docker daemon", error.Message, StringComparison.Ordinal);
    }
}
