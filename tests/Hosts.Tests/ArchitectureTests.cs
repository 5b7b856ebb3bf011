using System.Reflection;
using Blacksmith.Agent.Server;
using Blacksmith.Cli;
using Blacksmith.Hosting;
using Blacksmith.Infrastructure.CephStore;
using Blacksmith.Infrastructure.Journal;
using Blacksmith.Infrastructure.LocalStore;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Commands;
using Blacksmith.Orchestration.Lifecycle;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Replay;
using Blacksmith.Steps.Job;
using Mediator;

namespace Blacksmith.Hosts.Tests;

/// <summary>Dependencies point inward: the core knows no adapter, no logging framework, no transport.</summary>
public sealed class ArchitectureTests
{
    private static readonly string[] CoreMayReference =
    [
        "System.", "netstandard", "mscorlib", "Stateless", "Mediator" /* Mediator.Abstractions' assembly */,
        "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions",
    ];

    [Fact]
    public void Orchestration_references_no_adapter_or_framework()
    {
        var offending = Offending(typeof(ILifecycleCommand).Assembly, CoreMayReference);

        Assert.Empty(offending);
    }

    [Fact]
    public void Steps_reference_only_Orchestration_abstractions_and_Polly_Core()
    {
        // Polly.Core is pure (no I/O, time from the TimeProvider it is given): the one mechanism for retrying calls.
        var offending = Offending(typeof(JobDriver).Assembly, [.. CoreMayReference, "Blacksmith.Orchestration", "Polly.Core"]);

        Assert.Empty(offending);
    }

    [Fact]
    public void The_agent_references_its_stores_and_the_machine_primitives_never_the_engines_adapters()
    {
        var ours = OursReferencedBy(typeof(AgentServer).Assembly);

        Assert.Equal(Sorted("Orchestration", "Steps", "Infrastructure.Linux", "Infrastructure.LocalStore", "Infrastructure.CephStore"), ours);
    }

    [Fact]
    public void The_local_store_references_only_the_machine_primitives_and_Orchestration()
    {
        var ours = OursReferencedBy(typeof(LocalStickyDiskStore).Assembly);

        Assert.Equal(Sorted("Orchestration", "Infrastructure.Linux"), ours);
    }

    [Fact]
    public void The_Ceph_store_references_only_the_local_store_the_machine_primitives_and_Orchestration()
    {
        var ours = OursReferencedBy(typeof(CephStickyDiskStore).Assembly);

        Assert.Equal(Sorted("Orchestration", "Infrastructure.Linux", "Infrastructure.LocalStore"), ours);
    }

    [Fact]
    public void The_simulation_references_only_Orchestration_and_is_not_among_the_adapters()
    {
        var simulation = typeof(VirtualTime).Assembly;

        Assert.Equal(Sorted("Orchestration"), OursReferencedBy(simulation));
        Assert.NotEqual(typeof(JournalFile).Assembly, simulation);
        Assert.DoesNotContain("Infrastructure.Simulation", OursReferencedBy(typeof(JournalFile).Assembly));
    }

    [Fact]
    public void The_replay_harness_is_a_host_of_its_own_that_the_composition_root_does_not_reference()
    {
        var replay = typeof(ReplayRunner).Assembly;

        Assert.Contains("Hosting", OursReferencedBy(replay));
        Assert.Contains("Infrastructure.Simulation", OursReferencedBy(replay));
        Assert.DoesNotContain("Replay", OursReferencedBy(typeof(ExitCodes).Assembly));
        Assert.DoesNotContain("Infrastructure.Simulation", OursReferencedBy(typeof(ExitCodes).Assembly));
    }

    [Fact]
    public void The_blacksmith_executable_carries_neither_the_Ceph_store_nor_the_agent()
    {
        string[] agentOnly = ["Blacksmith.Infrastructure.CephStore", "blacksmith-agent"];
        var referenced = new[] { typeof(ExitCodes).Assembly, typeof(CliErrors).Assembly }
            .SelectMany(a => a.GetReferencedAssemblies())
            .Select(a => a.Name);

        Assert.DoesNotContain(referenced, agentOnly.Contains);
    }

    [Fact]
    public void Every_port_is_an_interface_in_Orchestration()
    {
        var ports = typeof(IJournalStore).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(IJournalStore).Namespace && t.Name.StartsWith('I') && char.IsUpper(t.Name[1]))
            .ToList();

        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.True(p.IsInterface, $"{p.Name} should be an interface"));
    }

    [Fact]
    public void Container_builds_with_validation_and_resolves_the_mediator()
    {
        using var engine = new TestEngine();

        Assert.NotNull(engine.Mediator);
    }

    [Fact]
    public void Every_lifecycle_command_has_a_handler_in_Steps()
    {
        var commands = typeof(ILifecycleCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ILifecycleCommand).IsAssignableFrom(t));
        var handled = typeof(JobDriver).Assembly.GetTypes()
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommandHandler<,>))
            .Select(i => i.GetGenericArguments()[0])
            .ToHashSet();

        Assert.All(commands, c => Assert.Contains(c, handled));
    }

    [Fact]
    public void An_embedder_sees_the_job_driver_and_the_ports_but_no_handler_command_or_pipeline_behaviour()
    {
        // What embedders build on is public (and tracked in PublicAPI.*.txt); how the engine runs a step is not.
        var exported = typeof(ILifecycleCommand).Assembly.GetExportedTypes()
            .Concat(typeof(JobDriver).Assembly.GetExportedTypes())
            .ToList();
        var engineParts = exported
            .Where(t => t.GetInterfaces().Any(i => i == typeof(ICommand<LifecycleResult>)
                || i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(ICommandHandler<,>) || d == typeof(IPipelineBehavior<,>))))
            .Select(t => t.Name);

        Assert.Empty(engineParts);
        Assert.Contains(typeof(JobDriver), exported);
        Assert.Contains(typeof(SetupRequest), exported);
        Assert.Contains(typeof(PostRequest), exported);
        Assert.Contains(typeof(IStickyDiskStore), exported);
        Assert.Contains(typeof(LifecycleSnapshot), exported);
    }

    // Which of our projects an assembly takes, without the "Blacksmith." prefix; its packages are not the question here.
    private static List<string> OursReferencedBy(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            .Where(name => name.StartsWith("Blacksmith.", StringComparison.Ordinal))
            .Select(name => name["Blacksmith.".Length..])
            .Order(StringComparer.Ordinal)];

    private static List<string> Sorted(params string[] projects) => [.. projects.Order(StringComparer.Ordinal)];

    private static List<string> Offending(Assembly assembly, string[] allowed) =>
        [.. assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            // An entry ending in '.' allows a namespace of assemblies; any other entry allows exactly that assembly.
            .Where(name => !allowed.Any(a => a.EndsWith('.') ? name.StartsWith(a, StringComparison.Ordinal) : name == a))];
}
