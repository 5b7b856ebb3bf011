using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Testing.Fakes;

public sealed class FakeBuilderRegistry : IBuilderRegistry
{
    public Exception? RegisterFailure { get; set; }

    public Exception? FallbackFailure { get; set; }

    public List<string> Registered { get; } = [];

    public int Fallbacks { get; private set; }

    /// <summary>What a registration says it learned about the builder; none unless a test sets it.</summary>
    public BuilderFacts? Facts { get; set; }

    public Task<RegisteredBuilder> RegisterAsync(string address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (RegisterFailure is not null)
        {
            throw RegisterFailure;
        }

        Registered.Add(address);
        return Task.FromResult(new RegisteredBuilder("blacksmith-builder", Facts));
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
