using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Blacksmith.Infrastructure.Tests.Leftovers;

[SupportedOSPlatform("linux")]
public sealed class JobClaimsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void A_written_claim_reads_back_the_same()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive);
        claim = claim with
        {
            Holdings = claim.Holdings with
            {
                Daemon = new DaemonIdentity(4242, 99, claim.Holdings.Address!, "/tmp/job/buildkitd.log", claim.Holdings.Root),
                Device = "/dev/loop7",
                MountPoint = claim.Holdings.Root,
                ExposeId = "e-1",
            },
        };

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

        world.Claims.Write(claim with { Holdings = claim.Holdings with { Device = "/dev/loop3" } });

        Assert.Equal("/dev/loop3", world.Claims.Read(claim.JobDirectory)?.Holdings.Device);
        Assert.Single(Directory.GetFiles(world.Claims.Directory));
    }

    [Fact]
    public async Task Each_job_directory_has_its_own_claim_and_delete_removes_only_that_one()
    {
        using var world = new ClaimWorld();
        var first = world.Job(ClaimWorld.Alive);
        var second = world.Job(ClaimWorld.Alive);
        world.Claims.Write(first);
        world.Claims.Write(second);

        Assert.True(await world.Claims.DeleteAsync(world.Claims.PathOf(first.JobDirectory), Token));

        Assert.False(await world.Claims.DeleteAsync(world.Claims.PathOf(first.JobDirectory), Token));
        Assert.Equal([second], (await world.Claims.ListAsync(Token)).Claims.Select(s => s.Claim));
    }

    [Fact]
    public async Task A_claim_is_reported_once_and_its_mark_goes_with_it()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive);
        world.Claims.Write(claim);
        var id = world.Claims.PathOf(claim.JobDirectory);

        Assert.True(await world.Claims.MarkReportedAsync(id, Token));
        Assert.False(await world.Claims.MarkReportedAsync(id, Token));
        Assert.Single((await world.Claims.ListAsync(Token)).Claims);

        await world.Claims.DeleteAsync(id, Token);

        Assert.Empty(Directory.GetFiles(world.Claims.Directory));
    }

    [Fact]
    public async Task A_file_that_is_not_a_claim_is_listed_with_its_problem()
    {
        using var world = new ClaimWorld();
        world.Claims.Write(world.Job(ClaimWorld.Alive));
        await File.WriteAllTextAsync(Path.Combine(world.Claims.Directory, "junk.json"), "{ not json", Token);

        var stored = (await world.Claims.ListAsync(Token)).Claims;

        Assert.Equal(2, stored.Count);
        Assert.Contains(stored, s => s.Claim is null && s.Problem is not null);
    }

    [Fact]
    public async Task A_claims_directory_others_may_write_to_is_not_trusted()
    {
        using var world = new ClaimWorld();
        var claim = world.Job(ClaimWorld.Alive);
        world.Claims.Write(claim);
        File.SetUnixFileMode(world.Claims.Directory, File.GetUnixFileMode(world.Claims.Directory) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var listing = await world.Claims.ListAsync(Token);

        Assert.Contains("writable by other users", listing.Untrusted, StringComparison.Ordinal);
        Assert.Empty(listing.Claims);
        Assert.Null(await world.Claims.FindAsync(claim.JobDirectory, Token));
    }

    [Fact]
    public async Task No_claims_directory_lists_nothing()
    {
        using var world = new ClaimWorld();

        Assert.Equal(new Orchestration.Claims.ClaimListing([]).Claims, (await world.Claims.ListAsync(Token)).Claims);
    }

    [Fact]
    public async Task The_jobs_own_claim_names_its_owner_once_and_follows_what_it_holds_until_it_holds_nothing()
    {
        using var world = new ClaimWorld();
        var job = world.Job(ClaimWorld.Alive);
        var time = new VirtualTime(DateTimeOffset.Parse("2026-12-05T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var own = new JobClaimFile(world.Claims, job.JobDirectory, new FakeMachineFacts { BootId = "boot-7" }, time, NullLogger<JobClaimFile>.Instance);

        await own.UpdateAsync(job.Holdings, Token);
        var first = world.Claims.Read(job.JobDirectory);
        time.Advance(TimeSpan.FromMinutes(5));
        await own.UpdateAsync(job.Holdings with { ExposeId = "e-2", Device = "/dev/loop2" }, Token);
        var second = world.Claims.Read(job.JobDirectory);

        Assert.NotNull(first);
        Assert.Equal(("boot-7", time.GetUtcNow() - TimeSpan.FromMinutes(5)), (first.BootId, first.CreatedAt));
        Assert.NotNull(first.Owner);
        Assert.Equal(first with { Holdings = job.Holdings with { ExposeId = "e-2", Device = "/dev/loop2" } }, second);

        await own.UpdateAsync(null, Token);

        Assert.Null(world.Claims.Read(job.JobDirectory));
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
