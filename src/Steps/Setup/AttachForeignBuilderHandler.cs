using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle.Events;
using Blacksmith.Orchestration.Ports;
using Mediator;

namespace Blacksmith.Steps.Setup;

/// <summary>
/// Attaches to a buildkitd this job did not start when one answers at the job's daemon address: a builder is
/// registered for it, and nothing is acquired (no disk, no daemon), so this job's post only reports. A daemon that
/// holds the root but cannot be reached, or a listener that buildx cannot use as a builder, is not attached: setup
/// goes on and its mount and spawn steps say what holds what.
/// </summary>
internal sealed class AttachForeignBuilderHandler(IBuildkitDaemon daemons, IBuilderRegistry builders)
    : ICommandHandler<AttachForeignBuilder, LifecycleResult>
{
    public async ValueTask<LifecycleResult> Handle(AttachForeignBuilder command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ForeignDaemon? found;
        try
        {
            found = await daemons.FindForeignAsync(command.Root, command.Address, cancellationToken);
        }
        catch (ExternalCallException)
        {
            // Nothing to attach to that we know of: setup goes on, and its mount and spawn steps ask again, where a
            // failure fails setup (and falls back) instead of crashing the host.
            return LifecycleResult.Nothing();
        }

        if (found is not { Address: { } address } foreign)
        {
            return LifecycleResult.Nothing();
        }

        string name;
        try
        {
            name = (await builders.RegisterAsync(address, cancellationToken)).Name;
        }
        catch (ExternalCallException)
        {
            // Recorded by the registry's decorator; not a builder after all, so the regular setup reports it.
            return LifecycleResult.Nothing();
        }

        return LifecycleResult.Propose(new BuilderAttached(command.Setup, name, address, foreign.Describe()));
    }
}
