using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Hosting.Hosts;
using Blacksmith.Infrastructure.Ci;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith setup</c>: setup-docker-builder's main step.</summary>
internal static class SetupVerb
{
    public static Command Create()
    {
        var host = new HostInvocation(SetupInputs.Names);
        var command = new Command("setup", "Mount the sticky disk at the BuildKit root, start buildkitd and make it the default buildx builder (setup-docker-builder's main step).");
        host.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = host.Open(parse);
            SetupInputs inputs;
            (Hosting.Composition.StoreMode Mode, string Why) store;
            try
            {
                inputs = SetupInputs.Read(context.Ci);
                store = context.ChooseStore();
            }
            catch (CiInputException ex)
            {
                context.Ci.Annotate(AnnotationKind.Error, ex.Message);
                return ExitCodes.BadInput;
            }

            context.Ci.Info($"Store: {store.Mode.ToString().ToLowerInvariant()} ({store.Why})");
            await using var provider = HostInvocation.Compose(context.Job(store.Mode, inputs), context.Logger);
            return await provider.GetRequiredService<SetupHost>().RunAsync(inputs, SessionIds.New("setup"), cancellationToken);
        });
        return command;
    }
}
