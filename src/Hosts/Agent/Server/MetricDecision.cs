namespace Blacksmith.Agent.Server;

/// <summary>Whether one metric was taken (<see cref="MetricAdmission.Admit"/>).</summary>
/// <param name="Admitted">True: log it.</param>
/// <param name="Refusal">Why it was refused, for the caller; null when admitted.</param>
/// <param name="FirstRefusal">Worth a log line: the first refusal of a run over the rate (later ones are only counted), or one for size.</param>
/// <param name="RefusedBefore">Metrics of this caller refused over the rate since the last one taken, to log now that the run has ended.</param>
public sealed record MetricDecision(bool Admitted, string? Refusal, bool FirstRefusal, int RefusedBefore);
