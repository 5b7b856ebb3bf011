using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Leftovers;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

[SupportedOSPlatform("linux")]
public sealed class JobClaimsTests
{
    [Fact]
    public void A_written_claim_reads_back_the_same()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive) with { Daemon = new ClaimedProcess(4242, 99, "buildkitd"), Device = "/dev/loop7", ExposeId = "e-1", StoreKind = "local" };

        world.Claims.Write(claim);

        Assert.Equal(claim, world.Claims.Read(claim.JobDirectory));
    }

    [Fact]
    public void Claim_files_are_private_to_this_user()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive);

        world.Claims.Write(claim);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.Claims.PathOf(claim.JobDirectory)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(world.Claims.Directory));
        Assert.Null(world.Claims.CheckPrivate());
    }

    [Fact]
    public void Rewriting_a_claim_replaces_it_and_leaves_no_temporary_file()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive);
        world.Claims.Write(claim);

        world.Claims.Write(claim with { Device = "/dev/loop3" });

        Assert.Equal("/dev/loop3", world.Claims.Read(claim.JobDirectory)?.Device);
        Assert.Single(Directory.GetFiles(world.Claims.Directory));
    }

    [Fact]
    public void Each_job_directory_has_its_own_claim_and_delete_removes_only_that_one()
    {
        using var world = new ClaimWorld();
        var first = world.Job(ClaimWorld.Alive);
        var second = world.Job(ClaimWorld.Alive);
        world.Claims.Write(first);
        world.Claims.Write(second);

        Assert.True(world.Claims.Delete(first.JobDirectory));

        Assert.False(world.Claims.Delete(first.JobDirectory));
        Assert.Equal([second], world.Claims.ReadAll().Select(s => s.Claim));
    }

    [Fact]
    public void A_file_that_is_not_a_claim_is_listed_with_its_problem()
    {
        using var world = new ClaimWorld();
        world.Claims.Write(world.Job(ClaimWorld.Alive));
        File.WriteAllText(Path.Combine(world.Claims.Directory, "junk.json"), "{ not json");

        var stored = world.Claims.ReadAll();

        Assert.Equal(2, stored.Count);
        Assert.Contains(stored, s => s.Claim is null && s.Problem is not null);
    }

    [Fact]
    public void A_claims_directory_others_may_write_to_is_not_trusted()
    {
        using var world = new ClaimWorld();
        world.Claims.Write(world.Job(ClaimWorld.Alive));
        File.SetUnixFileMode(world.Claims.Directory, File.GetUnixFileMode(world.Claims.Directory) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        Assert.Contains("writable by other users", world.Claims.CheckPrivate(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/custom/claims", true, "/run/user/1000", "/custom/claims")]
    [InlineData(null, true, "/run/user/1000", "/run/blacksmith/claims")]
    [InlineData(null, false, "/run/user/1000", "/run/user/1000/blacksmith/claims")]
    public void The_claims_directory_is_the_override_else_a_run_directory(string? configured, bool isRoot, string runtime, string expected)
    {
        var environment = new Dictionary<string, string?> { [JobClaims.DirectoryVariable] = configured, ["XDG_RUNTIME_DIR"] = runtime };

        Assert.Equal(expected, JobClaims.DefaultDirectory(name => environment.GetValueOrDefault(name), isRoot));
    }

    [Fact]
    public void Without_a_runtime_directory_a_user_gets_one_under_tmp_named_for_its_uid()
    {
        var directory = JobClaims.DefaultDirectory(_ => null, isRoot: false);

        Assert.StartsWith(Path.GetTempPath(), directory, StringComparison.Ordinal);
        Assert.Matches(@"blacksmith-\d+/claims$", directory);
    }
}
