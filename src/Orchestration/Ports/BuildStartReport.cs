namespace Blacksmith.Orchestration.Ports;

/// <summary>What the control plane learns about a build before it starts.</summary>
public sealed record BuildStartReport(string DockerfilePath);
