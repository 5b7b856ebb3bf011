using Blacksmith.Infrastructure.Ci.GitHub;

namespace Blacksmith.Cli;

/// <summary>Where blacksmith's error lines go: a plain stream, or workflow-command annotations on GitHub Actions.</summary>
/// <param name="Writer">The stream.</param>
/// <param name="Annotate">Whether each line is an <c>::error::</c> annotation.</param>
internal sealed record ErrorChannel(TextWriter Writer, bool Annotate)
{
    /// <summary>One line: line breaks inside the message become spaces, so it stays one.</summary>
    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var single = line.ReplaceLineEndings(" ");
        Writer.WriteLine(Annotate ? WorkflowCommands.Format("error", single) : single);
    }
}
