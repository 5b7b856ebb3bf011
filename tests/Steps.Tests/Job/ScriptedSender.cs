using Blacksmith.Orchestration.Commands;
using Mediator;

namespace Blacksmith.Steps.Tests.Job;

/// <summary>
/// The lifecycle as the job driver's sequences see it: each command is noted in <see cref="Trail"/> (with the effect
/// scope it was sent under) and answered by <see cref="Answer"/>; no machine, no journal.
/// </summary>
internal sealed class ScriptedSender(List<string> trail, Func<ILifecycleCommand, LifecycleResult> answer) : ISender
{
    public List<string> Trail => trail;

    public List<ILifecycleCommand> Sent { get; } = [];

    public Func<ILifecycleCommand, LifecycleResult> Answer { get; set; } = answer;

    public ValueTask<TResponse> Send<TResponse>(ICommand<TResponse> command, CancellationToken cancellationToken = default)
    {
        var lifecycle = (ILifecycleCommand)command;
        Sent.Add(lifecycle);
        trail.Add($"command {command.GetType().Name}");
        return ValueTask.FromResult((TResponse)(object)Answer(lifecycle));
    }

    public ValueTask<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<TResponse> Send<TResponse>(IQuery<TResponse> query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask<object?> Send(object message, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamQuery<TResponse> query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamRequest<TResponse> request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamCommand<TResponse> command, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public IAsyncEnumerable<object?> CreateStream(object message, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
