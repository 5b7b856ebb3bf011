using System.Globalization;
using System.Text;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Policy;

namespace Blacksmith.Orchestration.Status;

/// <summary>The human form of a job's status.</summary>
public static class StatusText
{
    public static string Render(JobStatus status)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"State:    {LifecycleNames.Of(status.State)}");
        text.AppendLine(inv, $"Builder:  {status.BuilderName ?? "-"} ({Describe(status.Mode)})");
        if (status.CacheKey is not null)
        {
            text.AppendLine(inv, $"Cache:    key {status.CacheKey}, store {status.Store}");
        }

        if (status.SetupFailure is not null)
        {
            text.AppendLine(inv, $"Setup:    failed: {status.SetupFailure}");
        }

        text.AppendLine("Timeline:");
        foreach (var entry in status.Timeline)
        {
            text.AppendLine(inv, $"  {Format(entry.SinceStart),9}  {LifecycleNames.Of(entry.Trigger),-20} {LifecycleNames.Of(entry.From)} -> {LifecycleNames.Of(entry.To)}  (+{Format(entry.SincePrevious)}, {entry.Session})");
        }

        text.AppendLine(inv, $"Builds:   {status.Builds.Count}");
        foreach (var build in status.Builds)
        {
            var took = build.FinishedAt is { } finished ? Format(finished - build.StartedAt) : "-";
            text.AppendLine(inv, $"  {build.Name,-24} {LifecycleNames.Of(build.Outcome),-10} {took}{(build.Detail is null ? string.Empty : $"  {build.Detail}")}");
        }

        text.AppendLine(inv, $"Decision: {Describe(status)}");
        return text.ToString();
    }

    public static string Describe(JobStatus status) => status.Decision switch
    {
        null => "none yet",
        CommitDecision.Commit when status.CommitAccepted == true => "commit requested (the store applies it when the job's disk is released)",
        CommitDecision.Commit when status.CommitAccepted == false => $"commit failed: {status.CommitError}",
        CommitDecision.Commit => "commit",
        CommitDecision.Skip skip => $"skipped, {LifecycleNames.Of(skip.Reason)}: {skip.Detail}" + (skip.Also.Count == 0 ? string.Empty : $" (also: {string.Join(", ", skip.Also.Select(LifecycleNames.Of))})"),
        _ => status.Decision.ToString() ?? string.Empty,
    };

    private static string Describe(BuilderMode mode) => mode switch
    {
        BuilderMode.StickyDisk => "sticky disk",
        BuilderMode.Fallback => "fallback, no sticky disk",
        BuilderMode.Attached => "attached to a builder this job did not start",
        _ => "no setup",
    };

    private static string Format(TimeSpan span) =>
        span.TotalSeconds < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.00} s");
}
