using Blacksmith.Replay;
using Blacksmith.Hosts.Tests.Actions;
using Blacksmith.Orchestration.Policy;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Hosts.Tests.Replay;

/// <summary>
/// The fault matrix (docs/reliability.md): no cell commits after a failure, a job whose faults were all recovered
/// still commits, no resource stays acquired unless its fault explains it or the gap is a known one, and the
/// document is what the generator gives today. The sweep's matrix: it never commits anything, never touches a job that
/// may still run, never drops a claim while something it named is held, and never keeps this job from committing.
/// </summary>
public sealed class FaultMatrixTests
{
    private const string UpdateVariable = "BLACKSMITH_UPDATE_GOLDEN";

    /// <summary>The problems the matrix shows today, reported and explained in the document; fixing one means removing it here.</summary>
    private static readonly HashSet<(string Call, FaultKind Kind)> KnownGaps =
    [
    ];

    private static readonly Lazy<IReadOnlyList<FaultCell>> Matrix = new(FaultMatrix.Generate);

    private static readonly Lazy<IReadOnlyList<SweepCell>> SweepMatrix = new(SweepFaultMatrix.Generate);

    private static IReadOnlyList<FaultCell> Cells => Matrix.Value;

    private static IReadOnlyList<SweepCell> SweepCells => SweepMatrix.Value;

    [Fact]
    public void The_matrix_has_the_healthy_baseline_and_a_cell_for_every_call_and_fault_kind()
    {
        Assert.Equal(1 + (PortCalls.Scripted.Count * FaultMatrix.Kinds.Count), Cells.Count);
        foreach (var call in PortCalls.Scripted)
        {
            Assert.Equal(FaultMatrix.Kinds, Cells.Where(c => c.Call == call).Select(c => c.Kind!.Value));
        }
    }

    [Fact]
    public void The_healthy_job_commits_and_releases_everything()
    {
        var baseline = Cells.Single(c => c.Call is null);

        Assert.True(baseline.Clean);
        Assert.IsType<CommitDecision.Commit>(baseline.Decision);
        Assert.True(baseline.CommitAccepted);
        Assert.Empty(baseline.Left);
        Assert.Empty(baseline.Hosts);
    }

    [Fact]
    public void No_fault_leads_to_a_commit_after_a_failure()
    {
        var committedAfterFailure = Cells.Where(c => c.Problems.Any(p => p.StartsWith("committed after", StringComparison.Ordinal))).Select(Describe).ToList();

        Assert.True(committedAfterFailure.Count == 0, string.Join('\n', committedAfterFailure));
    }

    [Fact]
    public void A_job_whose_faults_were_all_recovered_still_commits()
    {
        var cleanSkips = Cells.Where(c => c.Clean && c.CommitAccepted != true).Select(Describe).ToList();

        Assert.True(cleanSkips.Count == 0, string.Join('\n', cleanSkips));
        // The retried calls absorb a blip: the job stays clean and commits.
        foreach (var call in new[] { PortCalls.StickyDiskUp.Name, PortCalls.StickyDiskExpose.Name, PortCalls.StickyDiskSettle.Name, PortCalls.BlockDeviceUnmount.Name, PortCalls.DaemonSignal.Name })
        {
            var blip = Cells.Single(c => c.Call == call && c.Kind == FaultKind.Blip);
            Assert.True(blip.Clean && blip.CommitAccepted == true, Describe(blip));
        }
    }

    [Fact]
    public void No_resource_is_left_acquired_unless_the_fault_explains_it_or_the_gap_is_known()
    {
        var problems = Cells.Where(c => c.Problems.Count > 0).ToList();

        var unknown = problems.Where(c => !KnownGaps.Contains((c.Call!, c.Kind!.Value))).Select(Describe).ToList();
        Assert.True(unknown.Count == 0, "new problems:\n" + string.Join('\n', unknown));
        var fixedGaps = KnownGaps.Where(g => !problems.Any(c => c.Call == g.Call && c.Kind == g.Kind)).ToList();
        Assert.True(fixedGaps.Count == 0, $"known gaps that no longer show (remove them from KnownGaps and from FaultMatrix.KnownGap): {string.Join(", ", fixedGaps)}");
        Assert.All(problems, c => Assert.NotNull(c.KnownGap));
    }

    [Fact]
    public async Task The_reliability_document_is_what_the_fault_matrix_generates()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(LauncherHarness.RepositoryRoot(), "docs", "reliability.md");
        var current = (await File.ReadAllTextAsync(path, ct)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var generated = FaultMatrix.Markdown(current, Cells, SweepCells);
        if (current == generated)
        {
            return;
        }

        Assert.True(
            Environment.GetEnvironmentVariable(UpdateVariable) == "1",
            $"The generated tables of {path} differ from FaultMatrix.Markdown(). Regenerate it with: {FaultMatrix.RegenerateCommand} (or {UpdateVariable}=1 dotnet test --project tests/Hosts.Tests)");
        await File.WriteAllTextAsync(path, generated, ct);
    }

    [Fact]
    public void The_sweeps_matrix_has_its_healthy_baseline_and_a_cell_for_every_call_the_sweep_can_make_and_fault_kind()
    {
        Assert.Equal(1 + (PortCalls.Sweep.Count * FaultMatrix.Kinds.Count), SweepCells.Count);
        foreach (var call in PortCalls.Sweep)
        {
            Assert.Equal(FaultMatrix.Kinds, SweepCells.Where(c => c.Call == call).Select(c => c.Kind!.Value));
            Assert.True(SweepCells.Where(c => c.Call == call).All(c => c.Reached), $"the sweep never makes {call}: give it a variant");
        }
    }

    [Fact]
    public void A_healthy_sweep_releases_everything_of_the_ended_job_removes_its_claim_and_the_job_commits()
    {
        var baseline = SweepCells.Single(c => c.Call is null);

        Assert.Equal(LeftoverOutcome.Cleaned, baseline.Ended);
        Assert.Empty(baseline.Left);
        Assert.False(baseline.ClaimKept);
        Assert.Equal("commit", baseline.Job);
        Assert.Empty(baseline.Problems);
    }

    [Fact]
    public void No_fault_in_the_sweep_commits_touches_a_job_that_may_still_run_or_loses_a_claim_silently()
    {
        var problems = SweepCells.Where(c => c.Problems.Count > 0).Select(Describe).ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_fault_in_the_sweep_that_leaves_something_held_keeps_the_claim()
    {
        var faulted = SweepCells.Where(c => c.Call is not null && c.Left.Count > 0).ToList();

        Assert.NotEmpty(faulted);
        Assert.All(faulted, c => Assert.True(c.ClaimKept, Describe(c)));
        // A busy unmount and a daemon that will not stop leave the disk unreleased, never committed.
        Assert.Contains("disk", SweepCells.Single(c => c.Call == PortCalls.BlockDeviceUnmount.Name && c.Kind == FaultKind.Error).Left);
        Assert.Contains("disk", SweepCells.Single(c => c.Call == PortCalls.DaemonWaitForExit.Name && c.Kind == FaultKind.Error).Left);
    }

    private static string Describe(SweepCell cell) =>
        $"sweep {cell.Call ?? "healthy"} / {cell.Kind?.ToString() ?? "none"}: {cell.Ended}; left [{string.Join(", ", cell.Left)}]; claim kept {cell.ClaimKept}; this job {cell.Job}; {string.Join("; ", cell.Problems)}";

    private static string Describe(FaultCell cell) =>
        $"{cell.Call ?? "healthy"} / {cell.Kind?.ToString() ?? "none"}: {cell.Outcome}; hosts [{string.Join(", ", cell.Hosts)}]; left [{string.Join(", ", cell.Left)}]; {string.Join("; ", cell.Problems)}";
}
