namespace Blacksmith.Infrastructure.BlockDevices;

/// <summary>How an external command ended.</summary>
internal sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError);
