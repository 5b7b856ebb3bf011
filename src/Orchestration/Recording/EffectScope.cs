namespace Blacksmith.Orchestration.Recording;

/// <summary>
/// The session on whose behalf effects happen on this flow, so that an effect is journaled under the session that
/// caused it. The pipeline enters one around every lifecycle command; a host enters one around effects it runs
/// between commands (a build). Async-local, so concurrent flows in one process keep theirs apart.
/// </summary>
internal static class EffectScope
{
    /// <summary>What an effect outside any scope is journaled under.</summary>
    public const string Unscoped = "unscoped";

    private static readonly AsyncLocal<string?> Session = new();

    /// <summary>The session of this flow, or null outside every scope.</summary>
    public static string? Current => Session.Value;

    /// <summary>Makes <paramref name="session"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(string session)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        var previous = Session.Value;
        Session.Value = session;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Session.Value = previous;
    }
}
