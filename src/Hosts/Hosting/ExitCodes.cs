namespace Blacksmith.Hosting;

/// <summary>One exit-code table for every verb (docs/adr/0004-exit-codes.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The job failed, or an expectation was not met.</summary>
    public const int Failed = 1;

    /// <summary>Bad input, including a command the lifecycle refused.</summary>
    public const int BadInput = 2;

    /// <summary>A bug (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>128 + SIGINT, the shell convention.</summary>
    public const int Cancelled = 130;
}
