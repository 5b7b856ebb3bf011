using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

public sealed class FakeBuilderRegistry : IBuilderRegistry
{
    public Exception? RegisterFailure { get; set; }

    public Exception? FallbackFailure { get; set; }

    public List<string> Registered { get; } = [];

    public int Fallbacks { get; private set; }

    public Task<string> RegisterAsync(string address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (RegisterFailure is not null)
        {
            throw RegisterFailure;
        }

        Registered.Add(address);
        return Task.FromResult("blacksmith-builder");
    }

    public Task<string> ActivateFallbackAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Fallbacks++;
        if (FallbackFailure is not null)
        {
            throw FallbackFailure;
        }

        return Task.FromResult("fallback-builder");
    }
}
