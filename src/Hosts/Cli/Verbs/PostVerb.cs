using System.CommandLine;
using Blacksmith.Hosting.EntryPoints;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith post</c>: setup-docker-builder's post step.</summary>
internal static class PostVerb
{
    /// <param name="described">Whether its input flags carry their help text (see <see cref="HostInvocation"/>).</param>
    public static Command Create(bool described = true)
    {
        var host = new HostInvocation(ActionInputs.Post, described);
        var command = new Command("post", "Drain and stop buildkitd, unmount the sticky disk, and commit it only if the job's builds and steps succeeded (setup-docker-builder's post step).");
        host.AddTo(command);
        command.SetAction((parse, cancellationToken) => host.RunAsync(
            parse,
            // The job-status input is read by the earlier-steps probe, when post asks for it.
            _ => true,
            (context, store, _) => context.Job(store),
            (provider, _) => provider.GetRequiredService<PostHost>().RunAsync(SessionIds.New("post"), cancellationToken)));
        return command;
    }
}
