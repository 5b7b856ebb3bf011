using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.Ci.GitHub;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Ci.GitHub;

public sealed class WorkflowCommandsTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%", "100%25")]
    [InlineData("a\rb", "a%0Db")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("a\r\nb", "a%0D%0Ab")]
    [InlineData("%0A literal", "%250A literal")]
    [InlineData("key: value, more", "key: value, more")]
    [InlineData("::nested::", "::nested::")]
    public void Data_escapes_percent_first_then_line_breaks_and_nothing_else(string data, string expected) =>
        Assert.Equal(expected, WorkflowCommands.EscapeData(data));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%", "100%25")]
    [InlineData("a\rb", "a%0Db")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("C:\\path", "C%3A\\path")]
    [InlineData("a,b", "a%2Cb")]
    [InlineData("%3A", "%253A")]
    [InlineData("t: 1,\r\n2%", "t%3A 1%2C%0D%0A2%25")]
    public void Property_values_also_escape_colon_and_comma(string value, string expected) =>
        Assert.Equal(expected, WorkflowCommands.EscapeProperty(value));

    [Fact]
    public void A_command_without_properties_is_name_and_data()
    {
        Assert.Equal("::debug::hello%0Aworld", WorkflowCommands.Format("debug", "hello\nworld"));
        Assert.Equal("::endgroup::", WorkflowCommands.Format("endgroup", string.Empty));
    }

    [Fact]
    public void Annotation_properties_come_in_the_toolkits_order_escaped_and_empty_ones_left_out()
    {
        var line = WorkflowCommands.Annotation(
            "error",
            "build failed: 50%\nsee log",
            new AnnotationProperties(Title: "Dockerfile: check", File: "app/Dockerfile", Line: 3, EndLine: 4, Column: 0, EndColumn: null));

        Assert.Equal("::error title=Dockerfile%3A check,file=app/Dockerfile,line=3,endLine=4::build failed: 50%25%0Asee log", line);
    }

    [Fact]
    public void Every_property_is_written_when_given()
    {
        var line = WorkflowCommands.Annotation("warning", "w", new AnnotationProperties("t", "f", 1, 2, 3, 4));

        Assert.Equal("::warning title=t,file=f,line=1,endLine=2,col=3,endColumn=4::w", line);
    }

    [Fact]
    public void An_annotation_with_only_empty_properties_has_no_property_list()
    {
        Assert.Equal("::notice::n", WorkflowCommands.Annotation("notice", "n", new AnnotationProperties(Title: "", Line: -1)));
    }

    [Fact]
    public void The_runner_reads_back_exactly_what_was_escaped()
    {
        var faker = new Faker { Random = new Randomizer(7) };
        for (var i = 0; i < 500; i++)
        {
            var message = faker.Random.String2(0, 40, "ab%:,\r\n0ADC25 ");
            // No spaces: the runner trims the property list, so trailing spaces of the last value are lost whatever we do.
            var title = faker.Random.String2(1, 40, "ab%:,\r\n0ADC25");
            var line = WorkflowCommands.Annotation("warning", message, new AnnotationProperties(Title: title));

            var (properties, data) = RunnerUnescape(line);

            Assert.Equal(message, data);
            Assert.Equal(title, properties["title"]);
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\r', line);
        }
    }

    // ActionCommand.TryParseV2's split and unescaping: properties split on ',' then on the first '=',
    // values unescaped %0D, %0A, %3A, %2C then %25; data %0D, %0A then %25.
    private static (Dictionary<string, string> Properties, string Data) RunnerUnescape(string line)
    {
        var end = line.IndexOf("::", 2, StringComparison.Ordinal);
        var info = line[2..end];
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            foreach (var piece in info[(space + 1)..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = piece.Split('=', 2, StringSplitOptions.RemoveEmptyEntries);
                if (pair.Length == 2)
                {
                    properties[pair[0]] = pair[1]
                        .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
                        .Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal)
                        .Replace("%25", "%", StringComparison.Ordinal);
                }
            }
        }

        var data = line[(end + 2)..]
            .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
            .Replace("%25", "%", StringComparison.Ordinal);
        return (properties, data);
    }
}
