namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// Every launcher case of <see cref="LauncherTests"/> on the node 24 that tests/node pins: the runner starts
/// setup-docker-builder (<c>using: node24</c>) with a node that has process.execve, so this is the way the runner takes,
/// where the machine's own node may be older and take the spawn fallback.
/// </summary>
public sealed class LauncherOnNode24Tests : LauncherTests
{
    private protected override LauncherHarness CreateHarness() => LauncherHarness.CreateOnPinnedNode();
}
