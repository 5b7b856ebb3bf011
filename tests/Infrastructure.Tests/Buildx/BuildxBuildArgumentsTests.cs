using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>The command line, input by input, in docker/build-push-action v7's order and with its version gates.</summary>
public sealed class BuildxBuildArgumentsTests
{
    private static readonly BuildInputs Everything = new()
    {
        AddHosts = ["docker:10.180.0.1", "db:10.0.0.2"],
        Allow = ["network.host", "security.insecure"],
        Annotations = ["index:org.opencontainers.image.title=app"],
        Attests = ["type=sbom,generator=image"],
        BuildArgs = ["A=1", "B=two words"],
        BuildContexts = ["alpine=docker-image://alpine:3.20"],
        Builder = "mine",
        CacheFrom = ["type=registry,ref=octo/app:cache"],
        CacheTo = ["type=inline"],
        Call = "build",
        CgroupParent = "/actions_job",
        Context = ".",
        File = "./Dockerfile.ci",
        Labels = ["org.opencontainers.image.vendor=octo"],
        Load = false,
        Network = "host",
        NoCache = true,
        NoCacheFilters = ["deps"],
        Outputs = ["type=registry"],
        Platforms = ["linux/amd64", "linux/arm64"],
        Provenance = "mode=max",
        Pull = true,
        Push = true,
        Sbom = "true",
        Secrets = new BuildSecretInputs(["NPM_TOKEN=s3cr3t"], "ghs_token"),
        SecretEnvs = ["AWS=AWS_SECRET_ACCESS_KEY"],
        SecretFiles = ["KEY=/run/key.pem"],
        ShmSize = "2g",
        Ssh = ["default"],
        Tags = ["octo/app:1", "octo/app:latest"],
        Target = "release",
        Ulimit = ["nofile=1024:1024"],
        Estargz = true,
    };

    [Fact]
    public void Every_input_lands_in_upstream_order_then_the_common_flags_then_the_context()
    {
        var plan = Builds.Plan(Everything);

        Assert.Equal("build", plan.Arguments[0]);
        Assert.Equal(
            [
                "--add-host", "--add-host", "--allow", "--allow", "--annotation", "--build-arg", "--build-arg", "--build-context",
                "--cache-from", "--cache-to", "--call", "--cgroup-parent", "--secret", "--file", "--iidfile", "--label",
                "--no-cache-filter", "--output", "--platform", "--attest", "--attest", "--secret", "--secret",
                "--shm-size", "--ssh", "--tag", "--tag", "--target", "--ulimit",
                "--builder", "--metadata-file", "--network", "--no-cache", "--pull", "--push",
            ],
            plan.Flags());
        Assert.Equal(".", plan.Arguments[^1]);
        // A local context gets no git token: only the default git context does.
        Assert.DoesNotContain(plan.Values("--secret"), s => s.StartsWith("id=GIT_AUTH_TOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public void No_inputs_build_the_default_git_context_with_the_token_metadata_and_image_id()
    {
        var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs([], "ghs_token") });

        Assert.Equal(
            [
                "build",
                "--iidfile", $"{Builds.Directory}/build-iidfile.txt",
                "--attest", $"type=provenance,mode=max,builder-id={Builds.RunUrl}",
                "--secret", $"id=GIT_AUTH_TOKEN.github.com,src={Builds.Directory}/secret-1",
                "--metadata-file", $"{Builds.Directory}/build-metadata.json",
                Builds.DefaultContext,
            ],
            plan.Arguments);
        Assert.Equal($"{Builds.Directory}/build-iidfile.txt", plan.ImageIdFile);
        Assert.Equal($"{Builds.Directory}/build-metadata.json", plan.MetadataFile);
        Assert.Equal("true", plan.Environment["BUILDX_METADATA_WARNINGS"]);
        Assert.Equal(Builds.Directory, plan.TemporaryDirectory);
        Assert.Empty(plan.Notices);
    }

    [Theory]
    [InlineData("--add-host")]
    [InlineData("--allow")]
    [InlineData("--annotation")]
    [InlineData("--build-arg")]
    [InlineData("--build-context")]
    [InlineData("--cache-from")]
    [InlineData("--cache-to")]
    [InlineData("--label")]
    [InlineData("--no-cache-filter")]
    [InlineData("--output")]
    [InlineData("--ssh")]
    [InlineData("--tag")]
    [InlineData("--ulimit")]
    public void Each_entry_of_a_list_input_becomes_its_own_flag_in_order(string flag)
    {
        var faker = new Faker { Random = new Randomizer(flag.Length) };
        var values = Enumerable.Range(0, faker.Random.Int(1, 6)).Select(_ => $"{faker.Internet.DomainWord()}={faker.Lorem.Word()},x={faker.Random.AlphaNumeric(5)}").ToList();
        var inputs = flag switch
        {
            "--add-host" => new BuildInputs { AddHosts = values },
            "--allow" => new BuildInputs { Allow = values },
            "--annotation" => new BuildInputs { Annotations = values },
            "--build-arg" => new BuildInputs { BuildArgs = values },
            "--build-context" => new BuildInputs { BuildContexts = values },
            "--cache-from" => new BuildInputs { CacheFrom = values },
            "--cache-to" => new BuildInputs { CacheTo = values },
            "--label" => new BuildInputs { Labels = values },
            "--no-cache-filter" => new BuildInputs { NoCacheFilters = values },
            "--output" => new BuildInputs { Outputs = values },
            "--ssh" => new BuildInputs { Ssh = values },
            "--tag" => new BuildInputs { Tags = values },
            "--ulimit" => new BuildInputs { Ulimit = values },
            _ => throw new ArgumentOutOfRangeException(nameof(flag)),
        };

        Assert.Equal(values, Builds.Plan(inputs).Values(flag));
    }

    [Fact]
    public void Tags_and_labels_round_trip_whatever_characters_they_hold()
    {
        var faker = new Faker { Random = new Randomizer(1234) };
        for (var round = 0; round < 50; round++)
        {
            var tags = Enumerable.Range(0, faker.Random.Int(1, 5))
                .Select(_ => $"{faker.Internet.DomainName()}/{faker.Internet.UserName().ToLowerInvariant()}:{faker.System.Semver()}").ToList();
            var labels = Enumerable.Range(0, faker.Random.Int(1, 5))
                .Select(_ => $"org.example.{faker.Lorem.Word()}={faker.Lorem.Sentence()} \"{faker.Random.Utf16String(0, 8)}\", {faker.Random.AlphaNumeric(3)}").ToList();

            var plan = Builds.Plan(new BuildInputs { Tags = tags, Labels = labels });

            Assert.Equal(tags, plan.Values("--tag"));
            Assert.Equal(labels, plan.Values("--label"));
        }
    }

    [Theory]
    [InlineData("cgroup-parent", "--cgroup-parent")]
    [InlineData("file", "--file")]
    [InlineData("network", "--network")]
    [InlineData("shm-size", "--shm-size")]
    [InlineData("target", "--target")]
    [InlineData("builder", "--builder")]
    public void A_single_value_input_is_passed_when_set_and_left_out_when_empty(string input, string flag)
    {
        BuildInputs With(string value) => input switch
        {
            "cgroup-parent" => new BuildInputs { CgroupParent = value },
            "file" => new BuildInputs { File = value },
            "network" => new BuildInputs { Network = value },
            "shm-size" => new BuildInputs { ShmSize = value },
            "target" => new BuildInputs { Target = value },
            "builder" => new BuildInputs { Builder = value },
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };

        Assert.Equal(["some value"], Builds.Plan(With("some value")).Values(flag));
        Assert.DoesNotContain(flag, Builds.Plan(With(string.Empty)).Arguments);
    }

    [Theory]
    [InlineData("load", "--load")]
    [InlineData("no-cache", "--no-cache")]
    [InlineData("pull", "--pull")]
    [InlineData("push", "--push")]
    public void A_boolean_input_is_a_bare_flag_only_when_true(string input, string flag)
    {
        BuildInputs With(bool value) => input switch
        {
            "load" => new BuildInputs { Load = value },
            "no-cache" => new BuildInputs { NoCache = value },
            "pull" => new BuildInputs { Pull = value },
            "push" => new BuildInputs { Push = value },
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };

        var on = Builds.Plan(With(true));
        Assert.Single(on.Arguments, flag);
        Assert.DoesNotContain(flag, Builds.Plan(With(false)).Arguments);
    }

    [Fact]
    public void Platforms_are_one_flag_joined_with_commas()
    {
        var plan = Builds.Plan(new BuildInputs { Platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7"] });

        Assert.Equal(["linux/amd64,linux/arm64,linux/arm/v7"], plan.Values("--platform"));
    }

    [Fact]
    public void The_builder_input_wins_over_the_lifecycle_builder_which_is_used_when_the_input_is_empty()
    {
        Assert.Equal(["mine"], Builds.Plan(new BuildInputs { Builder = "mine" }, builder: "blacksmith-abc").Values("--builder"));
        Assert.Equal(["blacksmith-abc"], Builds.Plan(new BuildInputs(), builder: "blacksmith-abc").Values("--builder"));
        Assert.DoesNotContain("--builder", Builds.Plan(new BuildInputs(), builder: string.Empty).Arguments);
    }

    [Fact]
    public void Call_needs_buildx_0_15_and_is_rejected_before_anything_runs_on_an_older_one()
    {
        Assert.Equal(["check"], Builds.Plan(new BuildInputs { Call = "check" }, Builds.Version(0, 15, 0)).Values("--call"));

        var error = Assert.Throws<InvalidBuildInputsException>(() => Builds.Plan(new BuildInputs { Call = "check" }, Builds.Version(0, 14, 1)));
        Assert.Contains("0.15.0", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.14.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_need_buildx_0_12_and_are_ignored_with_a_notice_on_an_older_one()
    {
        var old = Builds.Plan(new BuildInputs { Annotations = ["a=b"] }, Builds.Version(0, 11, 2));

        Assert.DoesNotContain("--annotation", old.Arguments);
        Assert.Contains(old.Notices, n => n.Contains("'annotations' is ignored", StringComparison.Ordinal));
        Assert.Equal(["a=b"], Builds.Plan(new BuildInputs { Annotations = ["a=b"] }, Builds.Version(0, 12, 0)).Values("--annotation"));
        Assert.Empty(Builds.Plan(new BuildInputs(), Builds.Version(0, 11, 2)).Notices);
    }

    [Fact]
    public void Build_contexts_need_buildx_0_8_and_are_ignored_with_a_notice_on_an_older_one()
    {
        var old = Builds.Plan(new BuildInputs { BuildContexts = ["a=./a"] }, Builds.Version(0, 7, 1));

        Assert.DoesNotContain("--build-context", old.Arguments);
        Assert.Contains(old.Notices, n => n.Contains("'build-contexts' is ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Metadata_file_needs_buildx_0_6()
    {
        var old = Builds.Plan(new BuildInputs(), Builds.Version(0, 5, 1));

        Assert.DoesNotContain("--metadata-file", old.Arguments);
        Assert.Null(old.MetadataFile);
        Assert.NotNull(Builds.Plan(new BuildInputs(), Builds.Version(0, 6, 0)).MetadataFile);
    }

    [Fact]
    public void A_dev_build_of_buildx_passes_every_version_gate()
    {
        var dev = new BuildxVersion(null, "f117971");

        var plan = Builds.Plan(new BuildInputs { Call = "check", Annotations = ["a=b"] }, dev);

        Assert.Equal(["check"], plan.Values("--call"));
        Assert.Equal(["a=b"], plan.Values("--annotation"));
        Assert.NotNull(plan.MetadataFile);
    }

    [Theory]
    [InlineData("type=local,dest=out")]
    [InlineData("type=tar,dest=out.tar")]
    [InlineData("./out")]
    public void No_image_id_file_is_asked_for_when_the_output_is_files(string output)
    {
        var plan = Builds.Plan(new BuildInputs { Outputs = [output] });

        Assert.DoesNotContain("--iidfile", plan.Arguments);
        Assert.Null(plan.ImageIdFile);
    }

    [Fact]
    public void Several_platforms_get_an_image_id_file_only_from_buildx_0_4_2()
    {
        Assert.Null(Builds.Plan(new BuildInputs { Platforms = ["linux/amd64", "linux/arm64"] }, Builds.Version(0, 4, 1)).ImageIdFile);
        Assert.NotNull(Builds.Plan(new BuildInputs { Platforms = ["linux/amd64", "linux/arm64"] }, Builds.Version(0, 4, 2)).ImageIdFile);
        Assert.NotNull(Builds.Plan(new BuildInputs(), Builds.Version(0, 4, 1)).ImageIdFile);
    }

    [Fact]
    public void Allow_entries_each_get_their_own_flag_as_in_upstream_v7()
    {
        Assert.Equal(["network.host", "security.insecure"], Builds.Plan(new BuildInputs { Allow = ["network.host", "security.insecure"] }).Values("--allow"));
    }
}
