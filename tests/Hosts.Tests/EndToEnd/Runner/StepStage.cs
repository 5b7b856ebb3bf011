namespace Blacksmith.Hosts.Tests.EndToEnd.Runner;

/// <summary>Which stage of a step a process ran: a main step (or a <c>run:</c> step), or an action's post step.</summary>
internal enum StepStage
{
    Main,
    Post,
}
