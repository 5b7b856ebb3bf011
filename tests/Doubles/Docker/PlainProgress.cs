using System.Diagnostics;
using System.Globalization;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// BuildKit's plain progress (progressui, what <c>--progress auto</c> shows when stderr is not a terminal): one
/// <c>#N</c> block per vertex, its log lines, then <c>#N DONE 0.0s</c>, <c>#N CACHED</c>, <c>#N ERROR: …</c> or
/// <c>#N CANCELED</c>, blocks separated by blank lines. Quiet modes print nothing.
/// </summary>
internal sealed class PlainProgress(bool quiet)
{
    private int _vertex;
    private Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The <c>#0 building with "name" instance using driver driver</c> header.</summary>
    public void Description(string text) => Write($"#0 {text}\n");

    /// <summary>Starts the next vertex and returns its number.</summary>
    public int Start(string name)
    {
        _vertex++;
        _clock = Stopwatch.StartNew();
        Write($"\n#{_vertex} {name}\n");
        return _vertex;
    }

    public void Log(string line) => Write($"#{_vertex} {line}\n");

    public void Done() => Write(string.Create(CultureInfo.InvariantCulture, $"#{_vertex} DONE {_clock.Elapsed.TotalSeconds:0.0}s\n"));

    public void Cached() => Write($"#{_vertex} CACHED\n");

    public void Error(string message) => Write($"#{_vertex} ERROR: {message}\n");

    public void Canceled() => Write($"#{_vertex} CANCELED\n");

    /// <summary>Text outside any vertex (the error excerpt after a failed step, warnings).</summary>
    public void Raw(string text) => Write(text);

    private void Write(string text)
    {
        if (!quiet)
        {
            Console.Error.Write(text);
            Console.Error.Flush();
        }
    }
}
