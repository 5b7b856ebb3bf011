namespace Blacksmith.Replay;

/// <summary>A replay input that cannot be read, with where: the file, the line and column, and the JSON path.</summary>
public sealed class ScenarioFormatException : Exception
{
    public ScenarioFormatException()
    {
        Source = JsonPath = Problem = string.Empty;
    }

    public ScenarioFormatException(string message)
        : base(message)
    {
        Source = JsonPath = string.Empty;
        Problem = message;
    }

    public ScenarioFormatException(string message, Exception inner)
        : base(message, inner)
    {
        Source = JsonPath = string.Empty;
        Problem = message;
    }

    public ScenarioFormatException(string source, string jsonPath, int line, int column, string problem, Exception? inner = null)
        : base($"{source}:{line}:{column}: {jsonPath}: {problem}", inner)
    {
        Source = source;
        JsonPath = jsonPath;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public new string Source { get; }

    /// <summary>Where in the document, e.g. <c>$.world['stickydisk.expose'][1].error</c> (<c>$</c> for the whole of it).</summary>
    public string JsonPath { get; }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column (in bytes).</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
