namespace Blacksmith.Infrastructure.CephStore;

/// <summary>A RADOS lock this store holds; disposing it lets it go (the cluster does too once its duration ends).</summary>
internal sealed class ClusterLock(CephRegistry registry, string objectName, string name, string cookie) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            // Not the caller's token: a lock left behind would block the key until its duration ends.
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await registry.BreakAsync(objectName, name, locker => locker.Cookie == cookie, "stickydisk.unlock", bounded.Token);
        }
        catch (Exception ex) when (ex is Orchestration.Ports.ExternalCallException or OperationCanceledException)
        {
            // The lock expires by itself; the next holder waits for that at most.
        }
    }
}
