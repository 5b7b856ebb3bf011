namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// What a reader made of some JSON, for the differential tests that hold a hand-written reader to the serializer:
/// the value it took, described so that two readers' values compare as text, or the refusal.
/// </summary>
internal readonly record struct ReadOutcome(bool Accepted, string Value, string Refusal)
{
    /// <param name="read">The reader, on the JSON under test.</param>
    /// <param name="describe">The value taken, as text that is equal for equal values.</param>
    /// <param name="refusal">The name a refusal is known by, or null for an exception that is not a refusal (it escapes).</param>
    public static ReadOutcome Of<T>(Func<T> read, Func<T, string> describe, Func<Exception, string?> refusal)
    {
        try
        {
            return new ReadOutcome(true, describe(read()), string.Empty);
        }
        catch (Exception ex) when (refusal(ex) is { } name)
        {
            return new ReadOutcome(false, string.Empty, $"{name}: {ex.Message}");
        }
    }

    public override string ToString() => Accepted ? $"took it as {Value}" : $"refused it ({Refusal})";
}
