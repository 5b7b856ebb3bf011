using System.CommandLine;
using Blacksmith.Hosting.EntryPoints;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith build</c>: build-push-action's main step.</summary>
internal static class BuildVerb
{
    /// <param name="described">Whether its input flags carry their help text (see <see cref="HostInvocation"/>).</param>
    public static Command Create(bool described = true)
    {
        var host = new HostInvocation(ActionInputs.Build, described);
        var command = new Command("build", "Run one docker buildx build on the job's builder and report it (build-push-action's main step).");
        host.AddTo(command);
        command.SetAction((parse, cancellationToken) => host.RunAsync(
            parse,
            BuildInputsReader.Read,
            (context, store, _) => context.Job(store),
            (provider, inputs) => provider.GetRequiredService<BuildHost>().RunAsync(inputs, SessionIds.New("build"), SessionIds.New("b"), cancellationToken)));
        return command;
    }
}
