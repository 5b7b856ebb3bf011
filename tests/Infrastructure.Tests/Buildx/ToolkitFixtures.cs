using Blacksmith.Testing;
namespace Blacksmith.Infrastructure.Tests.Buildx;

/// <summary>Real tool outputs collected from docker/actions-toolkit, in tests/fixtures (provenance and licence in its README).</summary>
internal static class ToolkitFixtures
{
    public static string Path(params string[] parts) => Checkout.Fixtures(["docker-actions-toolkit", .. parts]);
}
