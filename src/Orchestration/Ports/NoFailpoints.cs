namespace Blacksmith.Orchestration.Ports;

/// <summary>Every moment passes unremarked: the engine's default, and what every host runs with outside the kill-point tests.</summary>
public sealed class NoFailpoints : IFailpoints
{
    public static readonly NoFailpoints Instance = new();

    public void Reached(string point)
    {
    }

    /// <summary><paramref name="failpoints"/>, or null when it does nothing, so that callers build no point name for it.</summary>
    public static IFailpoints? Active(IFailpoints? failpoints) => failpoints is null or NoFailpoints ? null : failpoints;
}
