namespace Blacksmith.Doubles;

/// <summary>
/// The line protocol between the buildctl and buildkitd doubles (the real pair speaks gRPC, which the engine never
/// sees: it only runs buildctl). One request line per connection, answered with lines ending in <see cref="End"/>.
/// </summary>
internal static class DoubleProtocol
{
    /// <summary>Request: list workers. Answer: one <c>WORKER id platforms</c> line per worker.</summary>
    public const string Workers = "WORKERS";

    /// <summary>Request: <c>PRUNE keepBytes</c>. Answer: one <c>RECORD id sizeBytes mutable(0|1)</c> line per pruned record.</summary>
    public const string Prune = "PRUNE";

    public const string Worker = "WORKER";
    public const string Record = "RECORD";
    public const string Error = "ERROR";
    public const string End = "END";
}
