using System.CommandLine;
using System.CommandLine.Help;
using Blacksmith.Cli;

namespace Blacksmith.Hosts.Tests.Cli;

/// <summary><c>--help</c> is a manual: each option of each verb says what it does, its default, and what stands for it.</summary>
public sealed class HelpTests
{
    public static TheoryData<string, string> Options()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, option) in Walk(BlacksmithCommandLine.Create(), "blacksmith"))
        {
            data.Add(path, option.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Every_option_states_its_default_and_its_variable_or_that_it_is_a_flag_only(string command, string option)
    {
        var description = Walk(BlacksmithCommandLine.Create(), "blacksmith").Single(o => o.Path == command && o.Option.Name == option).Option.Description;

        Assert.False(string.IsNullOrWhiteSpace(description), $"{command} {option} has no description");
        Assert.Contains("Default", description, StringComparison.Ordinal);
        Assert.True(
            description.Contains("BLACKSMITH_", StringComparison.Ordinal) || description.Contains("Flag only", StringComparison.Ordinal),
            $"{command} {option} names neither its BLACKSMITH_* variable nor says it is a flag only: {description}");
    }

    [Fact]
    public void Every_verb_and_argument_is_described()
    {
        var commands = new List<Command>();
        void Collect(Command command)
        {
            commands.Add(command);
            foreach (var sub in command.Subcommands)
            {
                Collect(sub);
            }
        }

        Collect(BlacksmithCommandLine.Create());

        Assert.All(commands, c => Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Name));
        Assert.All(commands.SelectMany(c => c.Arguments), a => Assert.False(string.IsNullOrWhiteSpace(a.Description), a.Name));
    }

    /// <summary>Every option a user can type after each verb, recursive ones included, but not System.CommandLine's own.</summary>
    private static IEnumerable<(string Path, Option Option)> Walk(Command command, string path, IReadOnlyList<Option>? inherited = null)
    {
        var recursive = (inherited ?? []).Concat(command.Options.Where(o => o.Recursive)).ToList();
        foreach (var option in command.Options.Concat(inherited ?? []).Distinct())
        {
            if (option is not (HelpOption or VersionOption))
            {
                yield return (path, option);
            }
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Walk(sub, $"{path} {sub.Name}", recursive))
            {
                yield return found;
            }
        }
    }
}
