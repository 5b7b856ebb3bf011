namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Go's <c>strconv.ParseBool</c>, which docker/actions-toolkit's <c>Util.parseBool</c> copies and buildx uses for
/// attestation attributes and its environment switches.
/// </summary>
internal static class GoBool
{
    public static bool? TryParse(string? text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    /// <summary><c>Util.parseBoolOrDefault</c>: unset or unparsable is false.</summary>
    public static bool IsTrue(string? text) => TryParse(text) ?? false;
}
