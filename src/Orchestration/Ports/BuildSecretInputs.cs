using System.Globalization;
using System.Text;

namespace Blacksmith.Orchestration.Ports;

/// <summary>
/// The inputs that carry secret values: <c>secrets</c> (<c>KEY=VALUE</c> entries) and <c>github-token</c>. Kept
/// apart so that nothing else in <see cref="BuildInputs"/> needs care; the text form shows keys and whether the token
/// is set, never a value.
/// </summary>
/// <param name="Entries">The <c>secrets</c> input, one <c>KEY=VALUE</c> per entry.</param>
/// <param name="GitHubToken">The <c>github-token</c> input; empty when not set.</param>
public sealed record BuildSecretInputs(IReadOnlyList<string> Entries, string GitHubToken)
{
    /// <summary>No secrets and no token.</summary>
    public static readonly BuildSecretInputs None = new([], string.Empty);

    // The generated ToString would print every value into any log line that mentions the inputs.
    private bool PrintMembers(StringBuilder builder)
    {
        var keys = Entries.Select(e => e.IndexOf('=', StringComparison.Ordinal) is var i and > 0 ? e[..i] : "(not KEY=VALUE)");
        builder.Append(CultureInfo.InvariantCulture, $"Entries = [{string.Join(", ", keys)}] (values hidden), ");
        builder.Append(CultureInfo.InvariantCulture, $"GitHubToken = {(GitHubToken.Length == 0 ? "(none)" : "(set)")}");
        return true;
    }
}
