using System.CommandLine;
using Blacksmith.Hosting.EntryPoints;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith setup</c>: setup-docker-builder's main step.</summary>
internal static class SetupVerb
{
    /// <param name="described">Whether its input flags carry their help text (see <see cref="HostInvocation"/>).</param>
    public static Command Create(bool described = true)
    {
        var host = new HostInvocation(ActionInputs.Setup, described);
        var command = new Command("setup", "Mount the sticky disk at the BuildKit root, start buildkitd and make it the default buildx builder (setup-docker-builder's main step).");
        host.AddTo(command);
        command.SetAction((parse, cancellationToken) => host.RunAsync(
            parse,
            SetupInputs.Read,
            (context, store, inputs) => context.Job(store, inputs),
            (provider, inputs) => provider.GetRequiredService<SetupHost>().RunAsync(inputs, SessionIds.New("setup"), cancellationToken)));
        return command;
    }
}
