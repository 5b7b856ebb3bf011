using Blacksmith.Infrastructure.Processes;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Processes;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("tab\tkept", "tab\tkept")]
    [InlineData("abc\b\bXY", "aXY")]
    [InlineData("\b\bstart", "start")]
    [InlineData("  3/160\b\b\b\b\b\b\b       \b\b\b\b\b\b\bdone", "done")]
    [InlineData("\u001b[1;32mgreen\u001b[0m text", "green text")]
    [InlineData("\u001b]0;a title\u0007after", "after")]
    [InlineData("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("bell\u0007 and nul\0 gone", "bell and nul gone")]
    [InlineData("cut escape \u001b[31", "cut escape")]
    public void A_line_becomes_what_a_terminal_shows_without_its_control_characters(string line, string shown)
    {
        Assert.Equal(shown, TerminalText.Flatten(line));
    }

    [Fact]
    public void Whatever_a_tool_prints_no_control_character_but_a_tab_survives()
    {
        var faker = new Faker { Random = new Randomizer(20261205) };
        for (var i = 0; i < 500; i++)
        {
            var line = new string(faker.Make(faker.Random.Int(0, 80), () => faker.Random.Char('\0', '\u00ff')).ToArray());

            Assert.DoesNotContain(TerminalText.Flatten(line), c => c != '\t' && char.IsControl(c));
        }
    }
}
