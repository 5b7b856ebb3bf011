using Blacksmith.Infrastructure.Ci;
using Blacksmith.Steps.Job;

namespace Blacksmith.Hosting.EntryPoints;

/// <summary>How a host says what the job driver has to say: through its CI runtime, in the driver's order.</summary>
internal static class JobNotes
{
    public static void Render(ICiRuntime ci, IEnumerable<JobNote> notes)
    {
        foreach (var note in notes)
        {
            switch (note.Kind)
            {
                case JobNoteKind.Info:
                    ci.Info(note.Text);
                    break;
                case JobNoteKind.Warning or JobNoteKind.Error:
                    var kind = note.Kind == JobNoteKind.Warning ? AnnotationKind.Warning : AnnotationKind.Error;
                    if (note.Title is null && note.File is null && note.Line is null)
                    {
                        ci.Annotate(kind, note.Text);
                    }
                    else
                    {
                        ci.Annotate(kind, note.Text, new AnnotationProperties(Title: note.Title, File: note.File, Line: note.Line));
                    }

                    break;
                case JobNoteKind.Group:
                    using (ci.Group(note.Title ?? string.Empty))
                    {
                        ci.Info(note.Text);
                    }

                    break;
                case JobNoteKind.Summary:
                    ci.TryAppendSummary(note.Text);
                    break;
                case JobNoteKind.Output:
                    ci.SetOutput(note.Title ?? string.Empty, note.Text);
                    break;
            }
        }
    }

    /// <summary>The exit code of a step that ended so (docs/adr/0004-exit-codes.md).</summary>
    public static int ExitCode(StepEnd end) => end switch
    {
        StepEnd.Succeeded => ExitCodes.Success,
        StepEnd.BadInput => ExitCodes.BadInput,
        StepEnd.Cancelled => ExitCodes.Cancelled,
        _ => ExitCodes.Failed,
    };
}
