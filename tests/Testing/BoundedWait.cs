using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Blacksmith.Testing;

/// <summary>
/// Every wait in a test or a fixture has a deadline, and one that passes fails the test (a <see cref="TimeoutException"/>)
/// saying what it waited for. A wait without one (a process that never exits, a zombie nobody reaps, a socket nobody
/// closes) hangs the test host silently until CI's limit kills it, with nothing to say what was awaited.
/// </summary>
/// <remarks>
/// The deadline is patience, not a speed target: long enough for a loaded 2-CPU machine, and a test never asserts how
/// quickly something happened. Waits for a condition on the machine use a short backoff (<see cref="UntilAsync"/>).
/// </remarks>
public static class BoundedWait
{
    /// <summary>How long a test waits for anything before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Waits for <paramref name="task"/>; fails the test after <paramref name="limit"/> (default <see cref="Patience"/>).</summary>
    public static async Task ForAsync(Task task, string what, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var within = limit ?? Patience;
        try
        {
            await task.WaitAsync(within, cancellationToken);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException(GaveUp(within, what), ex);
        }
    }

    /// <summary>Waits for <paramref name="task"/>'s result; fails the test after <paramref name="limit"/> (default <see cref="Patience"/>).</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var within = limit ?? Patience;
        try
        {
            return await task.WaitAsync(within, cancellationToken);
        }
        catch (TimeoutException ex) when (!task.IsCompleted)
        {
            throw new TimeoutException(GaveUp(within, what), ex);
        }
    }

    /// <summary>
    /// Waits for <paramref name="process"/> to exit (and, when its output is read asynchronously, for that output's end).
    /// One still running after <paramref name="limit"/> is killed with its tree, and the test fails naming it; the kill
    /// is waited for within <see cref="Patience"/> too, since a process stuck in the kernel outlives even SIGKILL.
    /// </summary>
    public static async Task ForExitAsync(Process process, string what, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        var within = limit ?? Patience;
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(within, cancellationToken);
            return;
        }
        catch (TimeoutException)
        {
        }

        var pid = process.Id;
        var state = Describe(pid);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or AggregateException)
        {
            // Exited meanwhile, or a descendant that is not ours to kill: the wait below tells.
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(Patience, CancellationToken.None);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{GaveUp(within, what)} It was {state}, and was still there {Patience.TotalSeconds:0} s after SIGKILL: {Describe(pid)}.", ex);
        }

        throw new TimeoutException($"{GaveUp(within, what)} It was {state}; killed.");
    }

    /// <summary>
    /// <see cref="ForExitAsync"/> for synchronous helpers (a probe in an attribute, a short tool whose output was read to
    /// its end): waits up to <paramref name="limit"/> (default <see cref="Patience"/>), then kills the tree and fails.
    /// </summary>
    public static void ForExit(Process process, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        var within = limit ?? Patience;
        if (process.WaitForExit(within))
        {
            return;
        }

        var state = Describe(process.Id);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or AggregateException)
        {
            // Exited meanwhile, or a descendant that is not ours to kill.
        }

        throw new TimeoutException($"{GaveUp(within, what)} It was {state}; killed.");
    }

    /// <summary>Polls <paramref name="condition"/> with a short backoff; fails the test after <paramref name="limit"/> (default <see cref="Patience"/>).</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var within = limit ?? Patience;
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(2);
        while (!condition())
        {
            if (clock.Elapsed > within)
            {
                throw new TimeoutException(GaveUp(within, what));
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>
    /// <paramref name="pid"/>, its state and its ancestors up to init, from /proc: "pid 12 (rbd-fuse, Z) under pid 9
    /// (dotnet, S) under pid 1 (init, S)". A zombie's parent chain names who should have reaped it.
    /// </summary>
    public static string Describe(int pid)
    {
        var text = new StringBuilder();
        var seen = new HashSet<int>();
        for (var current = pid; current > 0 && seen.Add(current);)
        {
            if (text.Length > 0)
            {
                text.Append(" under ");
            }

            if (Stat(current) is not { } stat)
            {
                text.Append(CultureInfo.InvariantCulture, $"pid {current} (gone)");
                break;
            }

            var self = current == Environment.ProcessId ? ", this test host" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"pid {current} ({stat.Command}, {stat.State}{self})");
            current = stat.Parent;
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="pid"/> is gone: exited and reaped (or never there).</summary>
    public static bool IsGone(int pid) => Stat(pid) is null;

    /// <summary>Whether <paramref name="pid"/> is gone, or has exited and waits only to be reaped.</summary>
    public static bool IsGoneOrZombie(int pid) => Stat(pid) is not { } stat || stat.State is 'Z' or 'X';

    private static string GaveUp(TimeSpan within, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"Gave up after {within.TotalSeconds:0.#} s waiting for {what}.");

    // /proc/<pid>/stat: the command sits in parentheses and may hold spaces and ')', so the fields count from the last ')'.
    private static (string Command, char State, int Parent)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        var fields = close > open && open > 0 ? text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent)
            ? (text[(open + 1)..close], fields[0][0], parent)
            : null;
    }
}
