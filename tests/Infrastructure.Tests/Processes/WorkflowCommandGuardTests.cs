using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Tests.Ci;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Processes;

public sealed class WorkflowCommandGuardTests
{
    public static TheoryData<string> Commands => new()
    {
        "::error::injected",
        "::error file=a.txt,line=1::injected",
        "   ::warning::after spaces",
        "\t::add-mask::x",
        "::set-output name=digest::sha256:evil",
        "::stop-commands::token",
        "::group::fake",
        "::ERROR::any case",
        "prefix ##[error]legacy anywhere",
        "##[set-output name=x;]legacy",
        ":::error::three colons",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_line_is_not_a_command_after_neutralising_with_ordinal_or_icu_matching(string line)
    {
        var shown = WorkflowCommandGuard.Neutralise(line);

        Assert.Null(RunnerCommandParser.Command(shown, icu: false));
        Assert.Null(RunnerCommandParser.Command(shown, icu: true));
        Assert.Equal(line, shown.Replace(WorkflowCommandGuard.Marker.ToString(), string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void The_runner_port_does_see_the_unguarded_lines_as_commands()
    {
        // Guards the test above against a parser port that recognises nothing.
        Assert.Equal("error", RunnerCommandParser.Command("::error::injected", icu: false));
        Assert.Equal("warning", RunnerCommandParser.Command("   ::warning::after spaces", icu: true));
        Assert.Equal("error", RunnerCommandParser.Command("prefix ##[error]legacy anywhere", icu: false));
    }

    [Theory]
    [InlineData("ok\n::error::second line")]
    [InlineData("ok\r::error::after a carriage return")]
    [InlineData("ok\r\n  ::warning::after CRLF\n##[error]third")]
    public void Every_line_of_a_text_with_line_breaks_is_neutralised(string text)
    {
        var shown = WorkflowCommandGuard.Neutralise(text);

        // The runner reads output with ReadLine: CR, LF and CRLF all end a line.
        foreach (var line in shown.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            Assert.Null(RunnerCommandParser.Command(line, icu: true));
            Assert.Null(RunnerCommandParser.Command(line, icu: false));
        }

        Assert.Equal(text, shown.Replace(WorkflowCommandGuard.Marker.ToString(), string.Empty, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("plain output")]
    [InlineData("a :: in the middle")]
    [InlineData("line one\nline two\r\n")]
    [InlineData("")]
    public void Harmless_text_is_unchanged(string text) => Assert.Equal(text, WorkflowCommandGuard.Neutralise(text));

    [Fact]
    public void No_random_line_built_from_command_pieces_survives_as_a_command()
    {
        var faker = new Faker { Random = new Randomizer(20250817) };
        string[] pieces = ["::", ":", "##[", "#", "[", "]", " ", "\t", "\u200B", "error", "warning", "add-mask", "x", "=", ",", "\n", "\r"];
        for (var i = 0; i < 5000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, faker.Random.Int(1, 10)).Select(_ => faker.PickRandom(pieces)));
            var shown = WorkflowCommandGuard.Neutralise(text);
            foreach (var line in shown.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
            {
                Assert.True(RunnerCommandParser.Command(line, icu: false) is null, $"ordinal: {text}");
                Assert.True(RunnerCommandParser.Command(line, icu: true) is null, $"icu: {text}");
            }
        }
    }
}
