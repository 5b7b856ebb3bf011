using System.Security.Cryptography;

namespace Blacksmith.Cli.Verbs;

/// <summary>Ids of host sessions and builds: short, random, and readable in a journal.</summary>
internal static class SessionIds
{
    public static string New(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
