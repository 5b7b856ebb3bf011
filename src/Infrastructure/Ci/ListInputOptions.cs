namespace Blacksmith.Infrastructure.Ci;

/// <summary>How <see cref="ICiRuntime.GetListInput"/> splits, as the options of @docker/actions-toolkit's <c>getInputList</c>.</summary>
[Flags]
public enum ListInputOptions
{
    /// <summary>Comma-split every record, quoted ones too (<c>tags</c>, <c>platforms</c>, <c>allow</c> …).</summary>
    None = 0,

    /// <summary>
    /// Keep commas: one item per record, its fields joined again with <c>,</c> (<c>build-args</c>, <c>labels</c>,
    /// <c>cache-from</c>, <c>cache-to</c>, <c>secrets</c> …).
    /// </summary>
    IgnoreComma = 1,

    /// <summary>Treat <c>"</c> as an ordinary character (<c>quote: false</c>; with <see cref="IgnoreComma"/> for <c>outputs</c>).</summary>
    NoQuotes = 2,
}
