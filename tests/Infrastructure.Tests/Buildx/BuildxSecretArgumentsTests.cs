using Blacksmith.Infrastructure.Buildx;
using Blacksmith.Orchestration.Ports;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Secrets reach buildx through files and variable names; no value is ever in the arguments or a notice.</summary>
public sealed class BuildxSecretArgumentsTests
{
    [Fact]
    public void A_secret_value_goes_to_a_file_in_the_build_directory_and_argv_names_only_the_file()
    {
        var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs(["NPM_TOKEN=s3cr3t=with=equals"], string.Empty) });

        var file = Assert.Single(plan.SecretFiles);
        Assert.Equal("NPM_TOKEN", file.Id);
        Assert.Equal("s3cr3t=with=equals", file.Value);
        Assert.Equal(Builds.Directory, Path.GetDirectoryName(file.Path));
        Assert.Equal([$"id=NPM_TOKEN,src={file.Path}"], plan.Values("--secret"));
        Assert.DoesNotContain(plan.Arguments, a => a.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public void No_secret_value_or_token_ever_appears_in_the_arguments_notices_or_text_of_the_plan()
    {
        var faker = new Faker { Random = new Randomizer(2024) };
        for (var round = 0; round < 100; round++)
        {
            var values = Enumerable.Range(0, faker.Random.Int(1, 4)).Select(_ => $"{faker.Random.AlphaNumeric(12)}{faker.Random.String2(6, "=,\"' \t#")}{faker.Random.Utf16String(4, 10)}").ToList();
            var entries = values.Select((v, i) => i % 3 == 2 ? $"={v}" : $"KEY_{i}={v}").ToList();
            var token = $"ghs_{faker.Random.AlphaNumeric(36)}";

            var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs(entries, token) });

            foreach (var secret in values.Append(token))
            {
                Assert.DoesNotContain(plan.Arguments, a => a.Contains(secret, StringComparison.Ordinal));
                Assert.DoesNotContain(plan.Notices, n => n.Contains(secret, StringComparison.Ordinal));
                Assert.DoesNotContain(secret, plan.ToString(), StringComparison.Ordinal);
            }

            Assert.Equal(values.Where((_, i) => i % 3 != 2).Append(token), plan.SecretFiles.Select(f => f.Value));
        }
    }

    [Theory]
    [InlineData("=value-without-key")]
    [InlineData("MY_SECRET=")]
    [InlineData("no-equals-sign")]
    public void An_invalid_secret_entry_is_skipped_with_a_notice_that_shows_neither_entry_nor_value(string entry)
    {
        var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs(["GOOD=1", entry], string.Empty) });

        Assert.Single(plan.SecretFiles);
        var notice = Assert.Single(plan.Notices);
        Assert.Contains("Entry 2 of 'secrets'", notice, StringComparison.Ordinal);
        Assert.DoesNotContain(entry, notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_envs_name_the_variable_and_come_right_after_cgroup_parent()
    {
        var plan = Builds.Plan(new BuildInputs { CgroupParent = "cg", SecretEnvs = ["AWS=AWS_SECRET_ACCESS_KEY", "broken"], File = "Dockerfile" });

        Assert.Equal(["id=AWS,env=AWS_SECRET_ACCESS_KEY"], plan.Values("--secret"));
        var arguments = plan.Arguments.ToList();
        Assert.Equal(arguments.IndexOf("--cgroup-parent") + 2, arguments.IndexOf("--secret"));
        Assert.Equal(arguments.IndexOf("--secret") + 2, arguments.IndexOf("--file"));
        Assert.Contains("broken is not a valid secret (secret-envs expects KEY=ENV_VAR); skipped.", plan.Notices);
        Assert.Empty(plan.SecretFiles);
    }

    [Fact]
    public void Secret_files_pass_the_users_path_when_it_exists_and_are_skipped_with_a_notice_when_not()
    {
        var plan = Builds.Plan(
            new BuildInputs { SecretFiles = ["KEY=/run/key.pem", "GONE=/nowhere", "=x"] },
            fileExists: path => path == "/run/key.pem");

        Assert.Equal(["id=KEY,src=/run/key.pem"], plan.Values("--secret"));
        Assert.Empty(plan.SecretFiles);
        Assert.Contains("secret file /nowhere not found; the secret 'GONE' is skipped.", plan.Notices);
        Assert.Contains("=x is not a valid secret (secret-files expects KEY=PATH); skipped.", plan.Notices);
    }

    [Fact]
    public void Secrets_then_secret_files_then_the_git_token_come_after_the_attestations()
    {
        var plan = Builds.Plan(new BuildInputs
        {
            Secrets = new BuildSecretInputs(["A=1"], "ghs_token"),
            SecretFiles = ["B=/b"],
            ShmSize = "1g",
        });

        Assert.Equal(["id=A,src=/job/build-7-0123456789ab/secret-1", "id=B,src=/b", "id=GIT_AUTH_TOKEN.github.com,src=/job/build-7-0123456789ab/secret-2"], plan.Values("--secret"));
        var arguments = plan.Arguments.ToList();
        Assert.True(arguments.LastIndexOf("--attest") < arguments.IndexOf("--secret"));
        Assert.Equal(arguments.LastIndexOf("--secret") + 2, arguments.IndexOf("--shm-size"));
        Assert.Equal(["A", "GIT_AUTH_TOKEN.github.com"], plan.SecretFiles.Select(f => f.Id));
        Assert.Equal("ghs_token", plan.SecretFiles[1].Value);
    }

    [Theory]
    [InlineData("https://github.com", "GIT_AUTH_TOKEN.github.com")]
    [InlineData("https://ghe.example.com:8443", "GIT_AUTH_TOKEN.ghe.example.com:8443")]
    [InlineData("https://GHE.Example.com/", "GIT_AUTH_TOKEN.ghe.example.com")]
    public void The_git_token_is_scoped_to_the_servers_host_with_its_port(string server, string id)
    {
        var environment = Builds.GitHub with { ServerUrl = server };

        var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs([], "t") }, environment: environment);

        Assert.Equal(id, Assert.Single(plan.SecretFiles).Id);
    }

    [Theory]
    [InlineData("GIT_AUTH_TOKEN=mine")]
    [InlineData("GIT_AUTH_TOKEN.github.com=mine")]
    public void A_git_token_of_the_users_own_stops_the_automatic_one(string entry)
    {
        var plan = Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs([entry], "ghs_token") });

        Assert.Equal("mine", Assert.Single(plan.SecretFiles).Value);
    }

    [Fact]
    public void The_git_token_goes_only_to_a_context_in_the_default_git_context()
    {
        var token = new BuildSecretInputs([], "ghs_token");

        Assert.Empty(Builds.Plan(new BuildInputs { Secrets = token, Context = "." }).SecretFiles);
        Assert.Empty(Builds.Plan(new BuildInputs { Secrets = token, Context = "https://github.com/other/repo.git" }).SecretFiles);
        Assert.Single(Builds.Plan(new BuildInputs { Secrets = token, Context = "{{defaultContext}}:sub/dir" }).SecretFiles);
        Assert.Empty(Builds.Plan(new BuildInputs { Context = string.Empty }).SecretFiles);
    }

    [Fact]
    public void A_server_url_that_is_no_url_rejects_a_build_that_needs_the_scoped_token()
    {
        var environment = Builds.GitHub with { ServerUrl = "not a url" };

        var error = Assert.Throws<InvalidBuildInputsException>(() => Builds.Plan(new BuildInputs { Secrets = new BuildSecretInputs([], "t"), Context = "{{defaultContext}}" }, environment: environment));

        Assert.Contains("GITHUB_SERVER_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'t'", error.Message, StringComparison.Ordinal);
    }
}
