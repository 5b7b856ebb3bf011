using Blacksmith.Hosting.Composition;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Blacksmith.Hosting;

/// <summary>
/// Puts a recording decorator in front of every port adapter registered so far, so that each attempt of each
/// external action lands in the journal whoever calls it. The adapter itself moves to a keyed registration: the
/// container still creates and disposes it exactly as it was registered.
/// </summary>
internal static class EffectRecordingRegistration
{
    internal const string InnerKey = "blacksmith.recorded";

    public static IServiceCollection AddEffectRecording(this IServiceCollection services)
    {
        services.TryAddSingleton<IEffectRecorder>(sp => new JournalEffectRecorder(sp.GetRequiredService<LifecycleJournal>(), sp.LoggerFor<JournalEffectRecorder>("Blacksmith.Orchestration.Recording.JournalEffectRecorder")));
        services.TryAddSingleton(sp => new EffectCalls(sp.GetRequiredService<IEffectRecorder>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IFailpoints>()));
        Decorate<IStickyDiskStore>(services, (inner, calls) => new RecordingStickyDiskStore(inner, calls));
        Decorate<IBlockDevice>(services, (inner, calls) => new RecordingBlockDevice(inner, calls));
        Decorate<IBuildkitDaemon>(services, (inner, calls) => new RecordingBuildkitDaemon(inner, calls));
        Decorate<IEarlierStepsProbe>(services, (inner, calls) => new RecordingEarlierStepsProbe(inner, calls));
        Decorate<IControlPlane>(services, (inner, calls) => new RecordingControlPlane(inner, calls));
        Decorate<IImageBuilder>(services, (inner, calls) => new RecordingImageBuilder(inner, calls));
        Decorate<IBuilderRegistry>(services, (inner, calls) => new RecordingBuilderRegistry(inner, calls));
        return services;
    }

    private static void Decorate<TPort>(IServiceCollection services, Func<TPort, EffectCalls, TPort> decorate)
        where TPort : class
    {
        var index = LastIndexOf<TPort>(services);
        if (index < 0)
        {
            // Not every host needs every port (status reads only the journal).
            return;
        }

        var original = services[index];
        services[index] = ServiceDescriptor.Describe(
            typeof(TPort),
            sp => decorate(sp.GetRequiredKeyedService<TPort>(InnerKey), sp.GetRequiredService<EffectCalls>()),
            original.Lifetime);
        services.Add(AsKeyed(original));
    }

    private static int LastIndexOf<TPort>(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TPort) && !services[i].IsKeyedService)
            {
                return i;
            }
        }

        return -1;
    }

    private static ServiceDescriptor AsKeyed(ServiceDescriptor original)
    {
        if (original.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(original.ServiceType, InnerKey, instance);
        }

        if (original.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(original.ServiceType, InnerKey, (sp, _) => factory(sp), original.Lifetime);
        }

        return new ServiceDescriptor(original.ServiceType, InnerKey, original.ImplementationType!, original.Lifetime);
    }
}
