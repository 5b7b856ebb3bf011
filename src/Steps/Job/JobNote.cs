namespace Blacksmith.Steps.Job;

/// <summary>
/// One thing a step has to say, in the order it is to be said; the host renders it through its CI runtime. The words
/// are the driver's, so that every host (the actions, <c>blacksmith run</c>, replay, an embedder) says the same.
/// </summary>
/// <param name="Kind">Where it goes.</param>
/// <param name="Text">What it says (a group's body, a summary's Markdown, an output's value).</param>
public sealed record JobNote(JobNoteKind Kind, string Text)
{
    /// <summary>A group's title, an annotation's, or an output's name.</summary>
    public string? Title { get; init; }

    /// <summary>The file an annotation is about (a build check's Dockerfile).</summary>
    public string? File { get; init; }

    /// <summary>The line of <see cref="File"/> an annotation is about.</summary>
    public int? Line { get; init; }

    public static JobNote Info(string text) => new(JobNoteKind.Info, text);

    public static JobNote Warning(string text) => new(JobNoteKind.Warning, text);

    public static JobNote Error(string text) => new(JobNoteKind.Error, text);

    public static JobNote Group(string title, string text) => new(JobNoteKind.Group, text) { Title = title };

    public static JobNote Summary(string markdown) => new(JobNoteKind.Summary, markdown);

    public static JobNote Output(string name, string value) => new(JobNoteKind.Output, value) { Title = name };
}
