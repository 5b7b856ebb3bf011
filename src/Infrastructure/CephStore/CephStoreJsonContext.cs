using System.Text.Json.Serialization;

namespace Blacksmith.Infrastructure.CephStore;

/// <summary>The Ceph store's records in the cluster and the rbd CLI's JSON replies, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CephKeyState))]
[JsonSerializable(typeof(CephExposureRecord))]
[JsonSerializable(typeof(RbdDiskUsage))]
[JsonSerializable(typeof(RbdLockInfo))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CephStoreJsonContext : JsonSerializerContext;
