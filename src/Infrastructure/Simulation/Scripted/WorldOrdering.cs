namespace Blacksmith.Infrastructure.Simulation.Scripted;

/// <summary>How strictly a scripted world holds the code to the order of its answers.</summary>
public enum WorldOrdering
{
    /// <summary>Each call takes the next answer scripted for its own port and method; calls to different methods may come in any order.</summary>
    Loose,

    /// <summary>The answers form one sequence: each call must be the next one scripted (method and, when given, session).</summary>
    Strict,
}
