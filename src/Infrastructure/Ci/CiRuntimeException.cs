namespace Blacksmith.Infrastructure.Ci;

/// <summary>A file the CI protocol uses (an environment file, the state or output file) cannot be read or written.</summary>
public sealed class CiRuntimeException(string message, Exception? inner = null) : Exception(message, inner);
