namespace Blacksmith.Infrastructure.Journal;

/// <summary>The job directory could not be determined, or the value given for it cannot be used.</summary>
public sealed class JobDirectoryException(string message) : Exception(message);
