using Blacksmith.Orchestration.Lifecycle;
using Mediator;

namespace Blacksmith.Orchestration.Commands;

/// <summary>
/// A command that moves the lifecycle. The pipeline loads the lifecycle for <see cref="Session"/>, refuses the
/// command (with no side effect) when the current state has no transition for <see cref="Trigger"/>, runs the
/// handler, and journals the events the handler proposes.
/// </summary>
internal interface ILifecycleCommand : ICommand<LifecycleResult>
{
    /// <summary>The session sending the command; journal records carry it.</summary>
    string Session { get; }

    /// <summary>The trigger this command exists to fire; a failure may fire another (e.g. SetupFailed).</summary>
    LifecycleTrigger Trigger { get; }
}
