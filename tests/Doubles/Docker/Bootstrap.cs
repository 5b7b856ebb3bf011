namespace Blacksmith.Doubles.Docker;

/// <summary>builder.Boot: brings up every node that is not running, showing it as a progress vertex.</summary>
internal static class Bootstrap
{
    // The remote driver's Bootstrap waits this long for the daemon (driver/remote/driver.go).
    private static readonly TimeSpan RemoteWait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RemotePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns whether anything had to be booted.</summary>
    public static async Task<bool> BootAsync(Builder builder, BuildxStore store, PlainProgress progress, CancellationToken cancellationToken)
    {
        var nodes = await Drivers.LoadNodesAsync(builder, store, cancellationToken);
        if (nodes.All(n => n.IsRunning))
        {
            return false;
        }

        foreach (var node in nodes.Where(n => !n.IsRunning))
        {
            if (builder.Driver == Drivers.Remote)
            {
                progress.Start("[internal] waiting for connection");
                var deadline = DateTime.UtcNow + RemoteWait;
                while ((await RemoteDaemon.WorkersAsync(node.Node.Endpoint, cancellationToken)).Platforms is null)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        progress.Error("context deadline exceeded");
                        throw new BuildxException("context deadline exceeded");
                    }

                    await Task.Delay(RemotePoll, cancellationToken);
                }

                progress.Done();
            }
            else
            {
                // A simulated buildkit container: what the real driver shows while it pulls and starts one.
                var image = node.Node.DriverOpts?.GetValueOrDefault("image") ?? "moby/buildkit:buildx-stable-1";
                var container = $"buildx_buildkit_{node.Node.Name}";
                progress.Start("[internal] booting buildkit");
                progress.Log($"pulling image {image}");
                progress.Log($"pulling image {image} 0.1s done");
                progress.Log($"creating container {container}");
                progress.Log($"creating container {container} 0.1s done");
                store.MarkBooted(builder.Name);
                progress.Done();
            }
        }

        return true;
    }
}
