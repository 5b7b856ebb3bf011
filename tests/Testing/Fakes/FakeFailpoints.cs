using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

/// <summary>Keeps every point reached, in order, and tells <see cref="Observe"/> at the moment it is reached (what the journal or claim holds then).</summary>
public sealed class FakeFailpoints : IFailpoints
{
    private readonly Lock _gate = new();
    private readonly List<string> _points = [];

    public Action<string>? Observe { get; init; }

    public IReadOnlyList<string> Points
    {
        get
        {
            lock (_gate)
            {
                return [.. _points];
            }
        }
    }

    public void Reached(string point)
    {
        lock (_gate)
        {
            _points.Add(point);
        }

        Observe?.Invoke(point);
    }
}
