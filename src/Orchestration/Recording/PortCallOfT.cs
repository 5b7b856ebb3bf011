using System.Text.Json.Serialization.Metadata;

namespace Blacksmith.Orchestration.Recording;

/// <summary>A <see cref="PortCall"/> that returns a <typeparamref name="T"/>, kept in its record as <see cref="Value"/> writes it.</summary>
internal sealed class PortCall<T> : PortCall
{
    internal PortCall(string port, string method, JsonTypeInfo<T> value)
        : base(port, method, value) => Value = value;

    /// <summary>The returned value's JSON type, source-generated (<see cref="EffectJsonContext"/>).</summary>
    public JsonTypeInfo<T> Value { get; }
}
