using Blacksmith.Infrastructure.Leftovers;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Leftovers;
using Blacksmith.Steps.Release;
using Microsoft.Extensions.DependencyInjection;

namespace Blacksmith.Hosting.Composition;

/// <summary>The machine's claims and the cleanup after jobs that ended without their post step (docs/leftovers.md).</summary>
public static class LeftoverCleanupRegistration
{
    /// <summary>
    /// Registers the claims (<see cref="JobClaims"/> in their default directory), the machine's facts, the settings from
    /// the environment, <see cref="ClaimCleanup"/> over the daemon, block-device and store adapters registered under
    /// <paramref name="adapterKey"/> (or unkeyed when null) and the build secrets' directories when registered, and
    /// <see cref="LeftoverSweep"/>.
    /// </summary>
    public static IServiceCollection AddLeftoverCleanup(this IServiceCollection services, Func<string, string?> environment, object? adapterKey)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var claims = new JobClaims(JobClaims.DefaultDirectory(environment, Privilege.Current.IsRoot));
        services.AddSingleton(claims);
        services.AddSingleton<IClaimRegistry>(claims);
        services.AddSingleton<IMachineFacts>(_ => new ProcMachineFacts());
        services.AddSingleton(_ => LeftoverSettings.FromEnvironment(environment));
        services.AddSingleton(sp =>
        {
            T Adapter<T>()
                where T : notnull => adapterKey is null ? sp.GetRequiredService<T>() : sp.GetRequiredKeyedService<T>(adapterKey);
            var time = sp.GetRequiredService<TimeProvider>();
            var device = Adapter<IBlockDevice>();
            return new ClaimCleanup(
                Adapter<IBuildkitDaemon>(),
                device,
                new DiskUnmounter(device, time, sp.LoggerFor<DiskUnmounter>("Blacksmith.Steps.Release.DiskUnmounter")),
                Adapter<IStickyDiskStore>(),
                time,
                sp.GetRequiredService<LeftoverOptions>(),
                sp.GetService<IFailpoints>(),
                sp.GetService<IBuildSecrets>());
        });
        services.AddSingleton(sp => new LeftoverSweep(
            sp.GetRequiredService<IClaimRegistry>(), sp.GetRequiredService<IMachineFacts>(), sp.GetRequiredService<ClaimCleanup>(),
            sp.GetRequiredService<IEffectRecorder>(), sp.GetRequiredService<TimeProvider>(), sp.LoggerFor<LeftoverSweep>("Blacksmith.Steps.Leftovers.LeftoverSweep"),
            sp.GetService<LeftoverOptions>(), sp.GetService<IFailpoints>()));
        return services;
    }
}
