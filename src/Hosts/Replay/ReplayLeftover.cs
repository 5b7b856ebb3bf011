using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Replay;

/// <summary>
/// What the sweep before one replayed setup did about one other job's claim: its verdict, what it released, the calls it
/// made for it (answered by the replay's machine, and kept here rather than in the job's journal, as a real setup keeps
/// only one <c>leftovers.clean</c> record per cleanup), and what the machine held for that job before and after.
/// </summary>
/// <param name="Host">The position in the job of the setup whose sweep it was (1-based).</param>
/// <param name="Session">That setup's session.</param>
/// <param name="JobDirectory">The other job's directory, its claim's identity.</param>
/// <param name="Outcome">What became of the claim.</param>
/// <param name="Why">The evidence that the job is over, or why it may still run.</param>
/// <param name="Reported">Whether this sweep reported the job as possibly still running (only the first sweep to see it does).</param>
/// <param name="Actions">What the cleanup did, in its words.</param>
/// <param name="Problems">What it could not do (the claim is then kept).</param>
/// <param name="Notes">What it deliberately left alone.</param>
/// <param name="Stopped">The pids of the daemons it stopped (seen exit after a signal).</param>
/// <param name="Unmounted">The mount points it unmounted.</param>
/// <param name="Released">The exposures it released unchanged.</param>
/// <param name="Committed">The exposures it asked the store to commit (any attempt): never any.</param>
/// <param name="HeldBefore">What the machine held for the job before the sweep.</param>
/// <param name="HeldAfter">What it still held after.</param>
/// <param name="ClaimKept">Whether the claim was still there after the sweep.</param>
/// <param name="Calls">
/// The port calls the sweep made for this claim, in order (<see cref="ReplayEffect.Sequence"/> 0: not journaled); for a job
/// left alone, those that acted on what it holds (a signal or wait for its daemon, an unmount of its root, a settlement of
/// its exposure): none, unless the sweep is wrong.
/// </param>
public sealed record ReplayLeftover(
    int Host,
    string Session,
    string JobDirectory,
    LeftoverOutcome Outcome,
    string Why,
    bool Reported,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Notes,
    IReadOnlyList<int> Stopped,
    IReadOnlyList<string> Unmounted,
    IReadOnlyList<string> Released,
    IReadOnlyList<string> Committed,
    HeldOnMachine HeldBefore,
    HeldOnMachine HeldAfter,
    bool ClaimKept,
    IReadOnlyList<ReplayEffect> Calls);
