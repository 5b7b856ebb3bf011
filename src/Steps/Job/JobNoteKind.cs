namespace Blacksmith.Steps.Job;

/// <summary>How a host shows a <see cref="JobNote"/>.</summary>
public enum JobNoteKind
{
    /// <summary>A line of the job log.</summary>
    Info,

    /// <summary>A warning annotation: something the user should see although the step goes on.</summary>
    Warning,

    /// <summary>An error annotation: why the step failed or what it left.</summary>
    Error,

    /// <summary>A collapsed group of the job log, titled <see cref="JobNote.Title"/>.</summary>
    Group,

    /// <summary>Markdown for the step summary, where the CI has one.</summary>
    Summary,

    /// <summary>A step output named <see cref="JobNote.Title"/>, whose value is <see cref="JobNote.Text"/>.</summary>
    Output,
}
