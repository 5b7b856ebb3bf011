using System.CommandLine;
using Blacksmith.Hosting;
using Blacksmith.Orchestration.Lifecycle;

namespace Blacksmith.Cli.Verbs;

/// <summary><c>blacksmith diagram</c>: the state diagram, generated from the machine (source of docs/state-diagram.md).</summary>
internal static class DiagramVerb
{
    public static Command Create()
    {
        var command = new Command("diagram", "Print the lifecycle's state diagram (Mermaid), generated from the state machine.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(LifecycleMachine.MermaidDiagram());
            return ExitCodes.Success;
        });
        return command;
    }
}
