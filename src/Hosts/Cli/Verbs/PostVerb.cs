using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.Ci;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith post</c>: setup-docker-builder's post step.</summary>
internal static class PostVerb
{
    public static Command Create()
    {
        var host = new HostInvocation(["job-status"]);
        var command = new Command("post", "Drain and stop buildkitd, unmount the sticky disk, and commit it only if the job's builds and steps succeeded (setup-docker-builder's post step).");
        host.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = host.Open(parse);
            (Hosting.Composition.StoreMode Mode, string Why) store;
            try
            {
                store = context.ChooseStore();
            }
            catch (CiInputException ex)
            {
                context.Ci.Annotate(AnnotationKind.Error, ex.Message);
                return ExitCodes.BadInput;
            }

            await using var provider = HostInvocation.Compose(context.Job(store.Mode), context.Logger);
            return await provider.GetRequiredService<PostHost>().RunAsync(SessionIds.New("post"), cancellationToken);
        });
        return command;
    }
}
