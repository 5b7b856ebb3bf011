namespace Blacksmith.Doubles.Docker;

/// <summary>Which docker CLI's complaint a missing buildx plugin gets.</summary>
internal enum NoBuildx
{
    /// <summary>docker 24 and later: <c>docker: unknown command: docker buildx</c>.</summary>
    CurrentCli,

    /// <summary>Older docker: <c>docker: 'buildx' is not a docker command.</c></summary>
    OldCli,
}
