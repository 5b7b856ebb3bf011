namespace Blacksmith.Infrastructure.LocalStore;

/// <summary><c>store.json</c>: the mode a data directory was created in, which every later store must use.</summary>
internal sealed record StoreMarker(LocalStoreMode Mode)
{
    public int Version { get; init; } = 1;
}
