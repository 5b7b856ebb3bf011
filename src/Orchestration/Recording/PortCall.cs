using System.Text.Json.Serialization.Metadata;

namespace Blacksmith.Orchestration.Recording;

/// <summary>
/// One call a port makes to the world (<c>stickydisk.settle</c>), as <see cref="PortCalls"/> defines it once: the name a
/// recording journals it under, the kill points name and a scenario scripts, and what replay needs to know about it.
/// </summary>
/// <remarks>A call that returns a value is a <see cref="PortCall{T}"/>, which carries the value's JSON type.</remarks>
internal class PortCall
{
    internal PortCall(string port, string method, JsonTypeInfo? valueType)
    {
        Port = port;
        Method = method;
        Name = $"{port}.{method}";
        ValueType = valueType;
    }

    /// <summary>The port's name in records (<c>stickydisk</c>).</summary>
    public string Port { get; }

    /// <summary>The method's name in records (<c>settle</c>).</summary>
    public string Method { get; }

    /// <summary><c>port.method</c>: an effect record's type, a scenario's key, the <c>effect:</c> kill point's suffix.</summary>
    public string Name { get; }

    /// <summary>The JSON type of the value the call returns and its record keeps; null when it returns none.</summary>
    public JsonTypeInfo? ValueType { get; }

    /// <summary>Whether a scripted world answers it (a replay's builds come from its build steps, an export from nowhere).</summary>
    public bool Scripted { get; init; } = true;

    /// <summary>
    /// Whether a script gives the call's value. False where scenarios and replayed journals leave it out because they
    /// were written before the call returned one (a settlement's outcome: the scripted world answers it applied).
    /// </summary>
    public bool ValueScripted { get; init; } = true;

    /// <summary>Whether the call may answer nothing (no filesystem, no build id, no foreign daemon, nothing mounted, no daemon found).</summary>
    public bool MayReturnNull { get; init; }

    /// <summary>Whether the cleanup after earlier jobs (the sweep before setup) makes it: the only calls a scenario's machine may script.</summary>
    public bool InSweep { get; init; }

    /// <summary>The JSON type a script's value for the call is read with; null when a script gives none.</summary>
    public JsonTypeInfo? ScriptedValueType => ValueScripted ? ValueType : null;

    public override string ToString() => Name;
}
