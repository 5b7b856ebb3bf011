using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Infrastructure.Tests.Processes;
using Blacksmith.Infrastructure.Unix;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Keeping the docker double honest: what it prints and writes is what buildx prints and writes.</summary>
[SupportedOSPlatform("linux")]
public sealed class DockerDoubleTests : IAsyncDisposable
{
    private readonly BuildxHarness _harness = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Inspect_of_a_running_remote_builder_parses_as_the_toolkit_reads_it()
    {
        await _harness.StartDaemonAsync();
        await CreateRemoteBuilderAsync("blacksmith-x");
        var environment = _harness.Environment();
        // docker/actions-toolkit inspects with DEBUG=1, which adds the Features section.
        environment["DEBUG"] = "1";

        var inspect = await _harness.DockerAsync(["buildx", "inspect", "blacksmith-x"], environment);

        Assert.True(inspect.Succeeded, inspect.Describe());
        var inspection = BuildxInspectParser.Parse(inspect.StandardOutput);
        Assert.Equal("blacksmith-x", inspection.Name);
        Assert.Equal("remote", inspection.Driver);
        Assert.NotNull(inspection.LastActivity);
        var node = Assert.Single(inspection.Nodes);
        Assert.Equal("blacksmith-x0", node.Name);
        Assert.Equal(_harness.Address, node.Endpoint);
        Assert.Equal("running", node.Status);
        Assert.StartsWith("v0.", node.BuildkitVersion, StringComparison.Ordinal);
        Assert.Equal([HostPlatform.Current], node.Platforms);
        Assert.True(node.Features["Multi-platform build"]);
        Assert.Equal("overlayfs", node.Labels["org.mobyproject.buildkit.worker.snapshotter"]);
    }

    [Fact]
    public async Task Inspect_lays_out_the_default_builder_as_buildx_tabwriter_does()
    {
        var inspect = await _harness.DockerAsync(["buildx", "inspect"]);

        Assert.True(inspect.Succeeded, inspect.Describe());
        var platforms = string.Join(", ", BuildxInspectParser.Parse(inspect.StandardOutput).Platforms);
        // The builder block aligns to "Driver:", the node block to "BuildKit version:", section lines to their keys.
        Assert.Equal(
            $"""
            Name:   default
            Driver: docker

            Nodes:
            Name:             default
            Endpoint:         default
            Status:           running
            BuildKit version: v0.22.0
            Platforms:        {platforms}
            Labels:
             org.mobyproject.buildkit.worker.executor:    oci
             org.mobyproject.buildkit.worker.snapshotter: overlayfs

            """,
            inspect.StandardOutput);
    }

    [Fact]
    public async Task An_unanswered_remote_builder_is_inactive_with_only_its_pinned_platforms()
    {
        await CreateRemoteBuilderAsync("gone", "linux/arm64");

        var inspect = await _harness.DockerAsync(["buildx", "inspect", "gone"]);

        var node = Assert.Single(BuildxInspectParser.Parse(inspect.StandardOutput).Nodes);
        Assert.Equal("inactive", node.Status);
        Assert.Null(node.BuildkitVersion);
        Assert.Equal(["linux/arm64"], node.Platforms);
    }

    [Fact]
    public async Task Unknown_builders_and_bad_flags_fail_as_buildx_does()
    {
        var inspect = await _harness.DockerAsync(["buildx", "inspect", "nope"]);
        var use = await _harness.DockerAsync(["buildx", "use", "nope"]);
        var removeDefault = await _harness.DockerAsync(["buildx", "rm", "default"]);
        var flag = await _harness.DockerAsync(["buildx", "create", "--no-such-flag"]);
        var reserved = await _harness.DockerAsync(["buildx", "create", "--name", "default", "--driver", "docker-container"]);

        Assert.Equal((1, "ERROR: no builder \"nope\" found"), (inspect.ExitCode, inspect.LastErrorLine));
        Assert.Equal(1, use.ExitCode);
        Assert.StartsWith("ERROR: failed to find instance \"nope\": open ", use.LastErrorLine, StringComparison.Ordinal);
        Assert.Equal((1, "ERROR: failed to remove one or more builders"), (removeDefault.ExitCode, removeDefault.LastErrorLine));
        Assert.Equal(125, flag.ExitCode);
        Assert.Contains("unknown flag: --no-such-flag", flag.StandardErrorTail, StringComparison.Ordinal);
        Assert.Equal((1, "ERROR: default is a reserved name and cannot be used to identify builder instance"), (reserved.ExitCode, reserved.LastErrorLine));
    }

    [Fact]
    public async Task The_store_is_buildx_layout_and_removing_the_current_builder_falls_back_on_default()
    {
        await CreateRemoteBuilderAsync("first");

        var instance = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_harness.BuildxConfig, "instances", "first"), Token)).RootElement;
        var current = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_harness.BuildxConfig, "current"), Token)).RootElement;
        var removed = await _harness.DockerAsync(["buildx", "rm", "first"]);
        var after = await _harness.DockerAsync(["buildx", "inspect"]);

        Assert.Equal("remote", instance.GetProperty("Driver").GetString());
        Assert.Equal("first0", instance.GetProperty("Nodes")[0].GetProperty("Name").GetString());
        Assert.Equal("first", current.GetProperty("Name").GetString());
        Assert.Equal("first removed", removed.LastErrorLine);
        Assert.Equal("default", BuildxInspectParser.Parse(after.StandardOutput).Name);
    }

    [Fact]
    public async Task A_build_writes_the_iidfile_and_metadata_in_the_fixture_shape()
    {
        await _harness.StartDaemonAsync();
        await CreateRemoteBuilderAsync("blacksmith-x");
        var context = WriteContext("FROM alpine:3.20\nRUN echo hello\n");
        var iidfile = Path.Combine(_harness.TempPath, "build-iidfile-0123456789.txt");
        var metadata = Path.Combine(_harness.TempPath, "build-metadata-0123456789.json");

        var build = await _harness.DockerAsync(["buildx", "build", "--iidfile", iidfile, "--tag", "user/app:1", "--load", "--metadata-file", metadata, "--push", context, "--debug"]);

        Assert.True(build.Succeeded, build.Describe());
        Assert.Contains("#0 building with \"blacksmith-x\" instance using remote driver", build.StandardErrorTail, StringComparison.Ordinal);
        var written = JsonDocument.Parse(await File.ReadAllTextAsync(metadata, Token)).RootElement;
        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures(), "metadata-build.json"), Token)).RootElement;
        Assert.Superset(Keys(fixture).Where(k => k != "buildx.build.warnings").ToHashSet(), Keys(written));
        Assert.Superset(Keys(fixture.GetProperty("buildx.build.provenance")), Keys(written.GetProperty("buildx.build.provenance")));
        Assert.Equal(await File.ReadAllTextAsync(iidfile, Token), written.GetProperty("containerimage.config.digest").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", written.GetProperty("containerimage.digest").GetString());
        Assert.Equal("docker.io/user/app:1", written.GetProperty("image.name").GetString());
        var reference = written.GetProperty("buildx.build.ref").GetString()!.Split('/');
        Assert.Equal(["blacksmith-x", "blacksmith-x0"], reference[..2]);
        Assert.True(File.Exists(Path.Combine(_harness.BuildxConfig, "refs", reference[0], reference[1], reference[2])));
        var publicFile = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        Assert.Equal(publicFile, File.GetUnixFileMode(metadata));
        Assert.Equal(publicFile, File.GetUnixFileMode(iidfile));
    }

    [Fact]
    public async Task Build_check_warnings_reach_the_metadata_only_when_asked_for()
    {
        await _harness.StartDaemonAsync();
        await CreateRemoteBuilderAsync("blacksmith-x");
        var context = WriteContext("FROM alpine\nRUN true\n");
        var metadata = Path.Combine(_harness.TempPath, "metadata.json");
        var environment = _harness.Environment("build-warning");

        var without = await _harness.DockerAsync(["buildx", "build", "--metadata-file", metadata, context], environment);
        var withoutKeys = Keys(JsonDocument.Parse(await File.ReadAllTextAsync(metadata, Token)).RootElement);
        environment["BUILDX_METADATA_WARNINGS"] = "true";
        var with = await _harness.DockerAsync(["buildx", "build", "--metadata-file", metadata, context], environment);

        Assert.True(without.Succeeded && with.Succeeded, without.Describe() + with.Describe());
        Assert.DoesNotContain("buildx.build.warnings", withoutKeys);
        var warning = JsonDocument.Parse(await File.ReadAllTextAsync(metadata, Token)).RootElement.GetProperty("buildx.build.warnings")[0];
        var fixtureWarning = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures(), "metadata-build.json"), Token)).RootElement.GetProperty("buildx.build.warnings")[0];
        Assert.Equal(Keys(fixtureWarning).Order(StringComparer.Ordinal), Keys(warning).Order(StringComparer.Ordinal));
        Assert.Contains("1 warning found", with.StandardErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_build_exits_1_with_the_error_line_and_writes_nothing()
    {
        var context = WriteContext("FROM alpine\nRUN make\n");
        var metadata = Path.Combine(_harness.TempPath, "metadata.json");

        var build = await _harness.DockerAsync(["buildx", "build", "--metadata-file", metadata, context], _harness.Environment("build-fail"));

        Assert.Equal(1, build.ExitCode);
        Assert.Equal("ERROR: failed to build: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 1", build.LastErrorLine);
        Assert.False(File.Exists(metadata));
    }

    [Fact]
    public async Task A_build_on_a_builder_whose_daemon_is_gone_fails_unavailable()
    {
        await CreateRemoteBuilderAsync("gone");

        var build = await _harness.DockerAsync(["buildx", "build", WriteContext("FROM alpine\n")]);

        Assert.Equal(1, build.ExitCode);
        Assert.StartsWith("ERROR: failed to build: Unavailable: connection error", build.LastErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_without_a_Dockerfile_or_context_fails_as_buildx_does()
    {
        var empty = WriteContext(null);

        var noDockerfile = await _harness.DockerAsync(["buildx", "build", empty]);
        var noContext = await _harness.DockerAsync(["buildx", "build", Path.Combine(empty, "missing")]);
        var noArgument = await _harness.DockerAsync(["buildx", "build"]);

        Assert.Equal("ERROR: failed to build: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory", noDockerfile.LastErrorLine);
        Assert.Equal($"ERROR: unable to prepare context: path \"{Path.Combine(empty, "missing")}\" not found", noContext.LastErrorLine);
        Assert.Equal(1, noArgument.ExitCode);
        Assert.Contains("\"docker buildx build\" requires exactly 1 argument.", noArgument.StandardErrorTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_metadata_is_not_json()
    {
        var metadata = Path.Combine(_harness.TempPath, "metadata.json");

        var build = await _harness.DockerAsync(["buildx", "build", "--metadata-file", metadata, WriteContext("FROM alpine\n")], _harness.Environment("bad-metadata"));

        Assert.True(build.Succeeded, build.Describe());
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(File.ReadAllText(metadata)));
    }

    [Fact]
    public async Task A_build_that_dies_mid_way_is_killed_and_writes_nothing()
    {
        var metadata = Path.Combine(_harness.TempPath, "metadata.json");

        var build = await _harness.DockerAsync(["buildx", "build", "--metadata-file", metadata, WriteContext("FROM alpine\nRUN sleep 1\n")], _harness.Environment("build-die"));

        Assert.Equal(128 + Libc.SignalKill, build.ExitCode);
        Assert.False(File.Exists(metadata));
    }

    [Fact]
    public async Task A_slow_build_is_cancelled_by_SIGTERM_and_exits_130()
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "docker"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in (string[])["buildx", "build", WriteContext("FROM alpine\nRUN sleep infinity\n")])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _harness.Environment("build-slow"))
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Token);
        patience.CancelAfter(OsProcesses.Patience);
        try
        {
            var errors = new List<string>();
            while (await process.StandardError.ReadLineAsync(patience.Token) is { } line)
            {
                errors.Add(line);
                if (line.Contains("waiting (BLACKSMITH_DOCKER_DOUBLE_FAULT=build-slow)", StringComparison.Ordinal))
                {
                    Assert.Equal(0, Libc.Kill(process.Id, Libc.SignalTerminate));
                }
            }

            await process.WaitForExitAsync(patience.Token);

            Assert.Equal(130, process.ExitCode);
            Assert.Equal("ERROR: failed to build: failed to solve: Canceled: context canceled", errors[^1]);
            Assert.Contains(errors, l => l.EndsWith(" CANCELED", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private async Task CreateRemoteBuilderAsync(string name, string platform = "")
    {
        var platforms = platform.Length > 0 ? platform : HostPlatform.Current;
        var created = await _harness.DockerAsync(["buildx", "create", "--name", name, "--driver", "remote", "--platform", platforms, "--use", _harness.Address]);
        Assert.True(created.Succeeded, created.Describe());
        Assert.Equal(name, created.StandardOutput.Trim());
    }

    /// <summary>A build context with <paramref name="dockerfile"/> as its Dockerfile (none when null).</summary>
    private string WriteContext(string? dockerfile)
    {
        var context = Directory.CreateDirectory(Path.Combine(_harness.TempPath, $"context-{Guid.NewGuid():N}")).FullName;
        if (dockerfile is not null)
        {
            File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        }

        return context;
    }

    private static HashSet<string> Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string Fixtures() => Checkout.Fixtures("docker-actions-toolkit");
}
