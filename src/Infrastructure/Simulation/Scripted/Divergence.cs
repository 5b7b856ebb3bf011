namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>
/// The code asked the scripted world something its script does not answer: the behaviour differs from the one the
/// scenario (or the recorded job) describes.
/// </summary>
/// <param name="Session">The session the call was made for.</param>
/// <param name="Call">What was asked, <c>port.method</c>.</param>
/// <param name="Arguments">The call's arguments, as the recording decorators journal them (and the few facts the world needs besides: a daemon's start time, a launch's job directory).</param>
/// <param name="Reason">Why no answer fits.</param>
/// <param name="Expected">The answers the script had next, in a few words each.</param>
public sealed record Divergence(
    string Session,
    string Call,
    IReadOnlyDictionary<string, string> Arguments,
    string Reason,
    IReadOnlyList<string> Expected);
