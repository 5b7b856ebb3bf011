using Blacksmith.Orchestration.Commands;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>
/// The lifecycle as the job driver's sequences see it: each command is noted in <see cref="Trail"/> (with the effect
/// scope it was sent under) and answered by <see cref="Answer"/>; no machine, no journal.
/// </summary>
internal sealed class ScriptedSender(List<string> trail, Func<ILifecycleCommand, LifecycleResult> answer) : ILifecycleSender
{
    public List<string> Trail => trail;

    public List<ILifecycleCommand> Sent { get; } = [];

    public Func<ILifecycleCommand, LifecycleResult> Answer { get; set; } = answer;

    public ValueTask<LifecycleResult> SendAsync(ILifecycleCommand command, CancellationToken cancellationToken)
    {
        Sent.Add(command);
        trail.Add($"command {command.GetType().Name}");
        return ValueTask.FromResult(Answer(command));
    }
}
