namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The named moments at which a test may stop a host as a crash would, to prove that whatever a kill leaves is named
/// and released (docs/end-to-end-tests.md, "Kill points"). The engine reports each moment as it passes it: after an
/// external call returned and before its effect record (<c>effect:&lt;port&gt;.&lt;method&gt;</c>), after that record
/// (<c>recorded:…</c>), after a transition was appended (<c>transition:&lt;Trigger&gt;</c>) and after the claim followed it
/// (<c>claim:&lt;Trigger&gt;</c>). Production registers <see cref="NoFailpoints"/>: nothing happens at any of them.
/// </summary>
public interface IFailpoints
{
    /// <summary>The host has just reached <paramref name="point"/>; an implementation may end the process here.</summary>
    void Reached(string point);
}
