namespace Blacksmith.Orchestration.Ports;

/// <summary>The parts whose failures are reported.</summary>
public enum FailureKind
{
    BuilderStartup,
    BuilderCleanup,
    StickyDiskSetup,
    StickyDiskCommit,
}
