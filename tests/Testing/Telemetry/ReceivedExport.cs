namespace Blacksmith.Testing.Telemetry;

/// <summary>One export request an <see cref="OtlpReceiver"/> received: how it came, its headers, and what it held.</summary>
/// <param name="Transport"><c>http/protobuf</c> or <c>grpc</c>.</param>
/// <param name="Headers">Request headers, names in lowercase.</param>
/// <param name="Resource">The attributes of the request's (first) resource.</param>
/// <param name="ScopeName">The instrumentation scope of the (first) scope's spans.</param>
/// <param name="Spans">Every span, in the order sent.</param>
public sealed record ReceivedExport(
    string Transport,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, object> Resource,
    string ScopeName,
    IReadOnlyList<ReceivedSpan> Spans);
