using System.Globalization;

namespace Blacksmith.Cli.Verbs;

/// <summary>Ids of host sessions and builds: short, random, and readable in a journal.</summary>
/// <remarks>
/// Not cryptographic: the ids only need to differ between the steps of a job. RandomNumberGenerator would load
/// OpenSSL, about 30 ms of every step's start-up.
/// </remarks>
internal static class SessionIds
{
    public static string New(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Random.Shared.Next():x8}");
}
