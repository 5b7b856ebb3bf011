namespace Blacksmith.Hosts.Tests.EndToEnd;

/// <summary>One simulated GitLab job: its environment, checkout, job directory and the shell its script runs in.</summary>
internal sealed record GitLabRun(IReadOnlyDictionary<string, string> Environment, string Workspace, string JobDirectory, JobShell Script);
