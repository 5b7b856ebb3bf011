using System.CommandLine;
using System.CommandLine.Help;
using Blacksmith.Cli;

namespace Blacksmith.Hosts.Tests.Cli;

/// <summary>A step's process builds only the verb it runs, and a user cannot tell: help and mistakes read the same.</summary>
public sealed class CommandTreeTests
{
    public static TheoryData<string> VerbNames() => [.. BlacksmithCommandLine.Create().Subcommands.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void Arguments_that_start_with_a_verb_build_that_verb_alone(string verb)
    {
        var root = BlacksmithCommandLine.For([verb, "--verbose"]);

        Assert.Equal([verb], root.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("--verbose", "post")]
    [InlineData("pots")]
    [InlineData("@arguments.rsp")]
    public void Arguments_that_do_not_start_with_a_verb_get_every_verb(params string[] arguments)
    {
        Assert.Equal(
            BlacksmithCommandLine.Create().Subcommands.Select(c => c.Name),
            BlacksmithCommandLine.For(arguments).Subcommands.Select(c => c.Name));
    }

    [Theory]
    [MemberData(nameof(VerbNames))]
    public void A_verb_alone_that_parses_is_parsed_without_the_help_and_version_options(string verb)
    {
        var whole = BlacksmithCommandLine.Create().Parse([verb]);
        var alone = BlacksmithCommandLine.Parse([verb]);

        Assert.Equal(whole.Errors.Select(e => e.Message), alone.Errors.Select(e => e.Message));
        Assert.Equal(CliErrors.CommandPath(whole), CliErrors.CommandPath(alone));
        if (whole.Errors.Count == 0)
        {
            // Nothing but the verb leaves no token either option could take; building them read their descriptions
            // through a ResourceManager, the first use of Native AOT reflection in a step.
            Assert.DoesNotContain(alone.RootCommandResult.Command.Options, o => o is HelpOption or VersionOption);
        }
    }

    [Theory]
    [InlineData("setup")]
    [InlineData("build")]
    [InlineData("post")]
    public void A_host_verb_alone_that_parses_makes_its_input_flags_without_their_help_text(string verb)
    {
        var whole = BlacksmithCommandLine.Create().Parse([verb]).CommandResult.Command;
        var alone = BlacksmithCommandLine.Parse([verb]).CommandResult.Command;

        // The same flags, so the parse is the same; only help prints their text, and a parse that fails is redone with it.
        Assert.Equal(whole.Options.Select(o => o.Name), alone.Options.Select(o => o.Name));
        var inputs = whole.Options.Where(o => o.HelpName == "value").Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(inputs);
        Assert.All(whole.Options.Where(o => inputs.Contains(o.Name)), o => Assert.False(string.IsNullOrWhiteSpace(o.Description)));
        Assert.All(alone.Options.Where(o => inputs.Contains(o.Name)), o => Assert.Null(o.Description));
    }

    public static TheoryData<string[]> VerbArguments()
    {
        var data = new TheoryData<string[]>();
        foreach (var verb in BlacksmithCommandLine.Create().Subcommands)
        {
            data.Add([verb.Name, "--help"]);
            data.Add([verb.Name, "--no-such-flag", "value"]);
            foreach (var sub in verb.Subcommands)
            {
                data.Add([verb.Name, sub.Name, "--help"]);
                data.Add([verb.Name, sub.Name, "--no-such-flag"]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VerbArguments))]
    public async Task A_verb_built_alone_prints_the_same_help_and_errors_as_the_whole_tree(string[] arguments)
    {
        var (wholeCode, whole) = await InvokeAsync(BlacksmithCommandLine.Create().Parse(arguments));
        var (aloneCode, alone) = await InvokeAsync(BlacksmithCommandLine.Parse(arguments));

        Assert.Equal(whole, alone);
        Assert.Equal(wholeCode, aloneCode);
    }

    // Only help and parse errors are invoked here: neither runs a verb's action.
    private static async Task<(int Code, string Output)> InvokeAsync(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            return (2, string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message).Append(CliErrors.CommandPath(parse))));
        }

        using var output = new StringWriter();
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, TestContext.Current.CancellationToken);
        return (code, output.ToString());
    }
}
