using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Orchestration.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith build</c>: build-push-action's main step.</summary>
internal static class BuildVerb
{
    public static Command Create()
    {
        var host = new HostInvocation(BuildInputsReader.Names);
        var command = new Command("build", "Run one docker buildx build on the job's builder and report it (build-push-action's main step).");
        host.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = host.Open(parse);
            BuildInputs inputs;
            (Hosting.Composition.StoreMode Mode, string Why) store;
            try
            {
                inputs = BuildInputsReader.Read(context.Ci);
                store = context.ChooseStore();
            }
            catch (CiInputException ex)
            {
                context.Ci.Annotate(AnnotationKind.Error, ex.Message);
                return ExitCodes.BadInput;
            }

            await using var provider = HostInvocation.Compose(context.Job(store.Mode), context.Logger);
            return await provider.GetRequiredService<BuildHost>().RunAsync(inputs, SessionIds.New("build"), SessionIds.New("b"), cancellationToken);
        });
        return command;
    }
}
