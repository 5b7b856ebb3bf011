using Blacksmith.Steps.Build;

namespace Blacksmith.Steps.Job;

/// <summary>How a build step ended, and what to say and which outputs to set after the build, in order.</summary>
/// <param name="End">How the step ends.</param>
/// <param name="Run">The build and whether the lifecycle tracked it.</param>
/// <param name="Notes">What to say and the outputs to set, in order.</param>
public sealed record BuildStepResult(StepEnd End, BuildRun Run, IReadOnlyList<JobNote> Notes);
