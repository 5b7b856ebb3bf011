namespace Blacksmith.Infrastructure.LocalStore;

/// <summary>What the store holds.</summary>
/// <param name="DataDirectory">Its data directory.</param>
/// <param name="Exists">Whether a store was ever created there; everything else is empty when not.</param>
/// <param name="Mode">The mode it was created in (<see cref="LocalStoreMode.Auto"/> when it does not exist).</param>
/// <param name="Keys">Its keys, by name.</param>
/// <param name="Exposures">Its exposures not settled yet, oldest first.</param>
/// <param name="TotalSizeCapBytes">The configured cap on all generations together, if any.</param>
public sealed record LocalStoreListing(
    string DataDirectory,
    bool Exists,
    LocalStoreMode Mode,
    IReadOnlyList<LocalStoreKeyInfo> Keys,
    IReadOnlyList<LocalStoreExposureInfo> Exposures,
    long? TotalSizeCapBytes)
{
    /// <summary>Bytes allocated to every key's generations.</summary>
    public long SizeBytes => Keys.Sum(k => k.SizeBytes);
}
