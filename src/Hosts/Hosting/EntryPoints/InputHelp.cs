using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Infrastructure.Ci.GitHub;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>
/// What one action input means, for <c>--help</c>: the action.yml description (the same words, checked by a test), the
/// values it accepts, its default, and whether it carries a secret.
/// </summary>
/// <param name="Name">The input's name in action.yml, which is also its flag (<c>--name</c>).</param>
/// <param name="Description">Its description in action.yml, word for word.</param>
/// <param name="Values">What it accepts.</param>
/// <param name="Default">What applies when it is not given; null when <paramref name="Description"/> says it already.</param>
public sealed record InputHelp(string Name, string Description, string Values, string? Default)
{
    /// <summary>Whether the value is a secret (a token, build secrets): then the flag is the worst place for it.</summary>
    public bool Secret { get; init; }

    /// <summary>Where a secret is better given, besides the environment variable.</summary>
    public string? SecretAlternative { get; init; }

    /// <summary>The variable that stands for the flag outside GitHub Actions.</summary>
    public string Variable => GenericCiRuntime.InputVariable(Name);

    /// <summary>The flag's <c>--help</c> text: meaning, values, default, and the variables that stand for it.</summary>
    public string FlagDescription()
    {
        var text = $"{End(Description)} Values: {End(Values)}{(Default is null ? "" : $" Default: {End(Default)}")} Also {Variable}; on GitHub "
            + $"Actions the action input {Name} ({GitHubActionsRuntime.InputVariable(Name)}).";
        return Secret
            ? $"{text} SECRET: prefer {Variable}{(SecretAlternative is null ? "" : $" or {SecretAlternative}")}: any local user can read a flag in /proc/<pid>/cmdline."
            : text;
    }

    private static string End(string sentence) => sentence.EndsWith('.') ? sentence : sentence + ".";
}
