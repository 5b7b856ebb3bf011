namespace Blacksmith.Testing;

/// <summary>Session ids the lifecycle tests share, so that "who owns the builder" reads the same everywhere.</summary>
public static class TestSessions
{
    /// <summary>The session whose setup started the builder; the only one that drains and commits.</summary>
    public const string Owner = "owner-session";

    /// <summary>A later setup of the same job that attached to the owner's builder.</summary>
    public const string Attached = "attached-session";

    /// <summary>A session that has no business with the builder at all.</summary>
    public const string Intruder = "intruder-session";
}
