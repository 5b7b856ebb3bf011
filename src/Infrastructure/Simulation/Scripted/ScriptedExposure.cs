namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// An exposure the replay's store holds for another job of the machine: what <c>stickydisk.findExposures</c> answers
/// for its holder, and what a release settles. Part of the replay's world (<see cref="ScriptedMachine"/>).
/// </summary>
/// <param name="Holder">The job directory of the job that asked for it.</param>
/// <param name="ExposeId">The exposure's id.</param>
/// <param name="Device">Its device (empty when the store named none).</param>
public sealed record ScriptedExposure(string Holder, string ExposeId, string Device);
