namespace Blacksmith.Doubles.Docker;

/// <summary>A builder as the commands see it: an instance from the store, or the docker context's own <c>default</c>.</summary>
internal sealed record Builder(NodeGroup Group, bool IsDockerContext, DateTimeOffset? LastActivity)
{
    public const string DefaultName = "default";

    public string Name => Group.Name;

    public string Driver => Group.Driver;

    /// <summary>The docker context's builder: driver docker, one node whose endpoint is the context's name.</summary>
    public static Builder DockerContext(BuildxStore store) => new(
        new NodeGroup { Name = DefaultName, Driver = "docker", Nodes = [new Node { Name = DefaultName, Endpoint = DefaultName }] },
        IsDockerContext: true,
        store.LastActivity(DefaultName));

    /// <summary>
    /// storeutil.GetNodeGroup for a name (store first, then docker contexts), else the current instance
    /// (storeutil.GetCurrentInstance), which falls back on the context's builder.
    /// </summary>
    public static Builder Resolve(BuildxStore store, string? name)
    {
        if (!string.IsNullOrEmpty(name))
        {
            if (store.Find(name) is { } group)
            {
                return new Builder(group, IsDockerContext: false, store.LastActivity(group.Name));
            }

            return name == DefaultName ? DockerContext(store) : throw new BuildxException($"no builder \"{name}\" found");
        }

        return store.Current() is { } current
            ? new Builder(current, IsDockerContext: false, store.LastActivity(current.Name))
            : DockerContext(store);
    }
}
