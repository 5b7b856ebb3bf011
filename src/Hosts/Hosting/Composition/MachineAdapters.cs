using Blacksmith.Infrastructure.BlockDevices;
using Blacksmith.Infrastructure.Buildkit;
using Blacksmith.Infrastructure.Ci;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.StickyDisk;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosting.Composition;

/// <summary>
/// The adapters an administrator's cleanup of this machine uses (<c>blacksmith leftovers</c>): no job, no journal, no
/// CI; the claims, the daemons and mounts they name, and the store their disks came from.
/// </summary>
public static class MachineAdapters
{
    public static IServiceCollection AddMachineCleanup(this IServiceCollection services, StoreMode store, string dataDirectory, IEnvironmentReader environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ProcessRunner(sp.LoggerFor<ProcessRunner>("Blacksmith.Infrastructure.Processes.ProcessRunner"), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(Privilege.Current);
        if (store == StoreMode.Agent)
        {
            services.AddSingleton<IStickyDiskStore>(_ => new AgentStickyDiskStore(AgentOptions.FromEnvironment(environment.Read)));
            services.AddSingleton<IBlockDevice>(sp => new LinuxBlockDevice(sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(), new BlockDeviceTimeouts()));
        }
        else
        {
            services.AddSingleton(sp => new LocalStickyDiskStore(
                new LocalStoreOptions(dataDirectory), sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<LocalStickyDiskStore>("Blacksmith.Infrastructure.LocalStore.LocalStickyDiskStore")));
            services.AddSingleton<IStickyDiskStore>(sp => sp.GetRequiredService<LocalStickyDiskStore>());
            services.AddSingleton<IBlockDevice>(sp => sp.GetRequiredService<LocalStickyDiskStore>().Mode == LocalStoreMode.Directory
                ? new DirectoryVolume()
                : new LinuxBlockDevice(sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(), new BlockDeviceTimeouts()));
        }

        services.AddSingleton(new BuildkitOptions());
        services.AddSingleton<IBuildkitDaemon>(sp => new BuildkitDaemon(
            sp.GetRequiredService<BuildkitOptions>(), sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<Privilege>(),
            sp.LoggerFor<BuildkitDaemon>("Blacksmith.Infrastructure.Buildkit.BuildkitDaemon"), sp.GetRequiredService<TimeProvider>()));

        // No job to journal an administrator's cleanup in: what it did is printed instead.
        services.AddSingleton<IEffectRecorder>(_ => new NoEffectRecorder());
        return services.AddLeftoverCleanup(environment.Read, adapterKey: null);
    }
}
