namespace Blacksmith.Orchestration.Lifecycle.Events;

/// <summary>Who recorded an event and when.</summary>
public readonly record struct EventContext(string Session, DateTimeOffset At);
