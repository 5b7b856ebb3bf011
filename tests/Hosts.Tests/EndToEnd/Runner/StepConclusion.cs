namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>How the runner judged one step.</summary>
internal enum StepConclusion
{
    Success,
    Failure,
    Cancelled,
    Skipped,
}
