using Blacksmith.Infrastructure.Unix;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Failpoints;

/// <summary>
/// TEST ONLY. The kill points of the crash tests (docs/end-to-end-tests.md, "Kill points"): sends this process, or its
/// whole process group, SIGKILL the moment the host reaches the point <c>BLACKSMITH_TEST_KILL_AT</c> names, a real
/// <c>kill -9</c> at an exact moment rather than a race against a timer; and, with <c>BLACKSMITH_TEST_FAILPOINT_TRACE</c>,
/// appends every point reached to a file, from which a test learns the points a healthy job passes. Never registered
/// unless one of the variables is set (<see cref="FromEnvironment"/>).
/// </summary>
public sealed class TestFailpoints : IFailpoints
{
    /// <summary><c>&lt;point&gt;[#&lt;n&gt;]</c>: the point to be killed at, and which hit of it (default the first).</summary>
    public const string KillAtVariable = "BLACKSMITH_TEST_KILL_AT";

    /// <summary><c>process</c> (default) or <c>group</c>.</summary>
    public const string KillScopeVariable = "BLACKSMITH_TEST_KILL_SCOPE";

    /// <summary>A file every point reached is appended to, one per line.</summary>
    public const string TraceVariable = "BLACKSMITH_TEST_FAILPOINT_TRACE";

    private readonly KillPoint? _kill;
    private readonly string? _trace;
    private readonly Action<KillScope> _killer;
    private readonly Lock _gate = new();
    private int _hits;

    public TestFailpoints(KillPoint? kill, string? trace)
        : this(kill, trace, KillNow)
    {
    }

    internal TestFailpoints(KillPoint? kill, string? trace, Action<KillScope> killer)
    {
        _kill = kill;
        _trace = trace;
        _killer = killer;
    }

    /// <summary>The failpoints the variables ask for, or null when none is set (the host then registers none).</summary>
    /// <exception cref="FormatException">A variable is malformed.</exception>
    public static TestFailpoints? FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var killAt = environment(KillAtVariable);
        var trace = environment(TraceVariable);
        if (string.IsNullOrWhiteSpace(killAt) && string.IsNullOrWhiteSpace(trace))
        {
            return null;
        }

        var kill = string.IsNullOrWhiteSpace(killAt) ? null : KillPoint.Parse(killAt, environment(KillScopeVariable));
        return new TestFailpoints(kill, string.IsNullOrWhiteSpace(trace) ? null : trace);
    }

    public void Reached(string point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var kill = _kill is { } wanted && string.Equals(point, wanted.Point, StringComparison.Ordinal)
            && Interlocked.Increment(ref _hits) == wanted.Hit;
        if (_trace is not null)
        {
            // Concurrent commands of one host may pass points together; one line each, whole.
            lock (_gate)
            {
                File.AppendAllText(_trace, point + "\n");
            }
        }

        if (kill)
        {
            _killer(_kill!.Scope);
        }
    }

    private static void KillNow(KillScope scope)
    {
        // Process group 0 is the caller's own: a step started in a group of its own (setsid) takes only its tree with it.
        _ = Libc.Kill(scope == KillScope.Group ? 0 : Environment.ProcessId, Libc.SignalKill);

        // SIGKILL cannot be caught or blocked, so nothing after the kill runs; this only keeps this thread from going on
        // should delivery be a moment late.
        Thread.Sleep(Timeout.Infinite);
    }
}
