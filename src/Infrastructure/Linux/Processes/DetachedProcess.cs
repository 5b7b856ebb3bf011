using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using Blacksmith.Infrastructure.Unix;

namespace Blacksmith.Infrastructure.Processes;

/// <summary>
/// Starts a process that outlives us and the step that started it: the daemon. <see cref="System.Diagnostics.Process"/>
/// cannot: it always hands the child pipes or our own descriptors, and keeps it in our session.
/// </summary>
/// <remarks>
/// The child, made with <c>posix_spawn</c> (docs/processes.md, "Detached spawn"):
/// <list type="bullet">
/// <item>leads its own session (POSIX_SPAWN_SETSID), so signals to our process group or session do not reach it;</item>
/// <item>reads /dev/null and writes stdout and stderr to the log file, which we open (as the invoking user, so the log
/// is ours to read even when the daemon runs as root);</item>
/// <item>inherits no other descriptor. The runner waits for every holder of a step's output pipes to close them before
/// it ends the step, so one inherited pipe would hang the step for the daemon's lifetime. .NET opens its own files
/// close-on-exec, but descriptors we inherited from our parent need not be, so every descriptor from 3 up is closed in
/// the child (closefrom, glibc 2.34+, else one close per descriptor listed in /proc/self/fd);</item>
/// <item>starts with default signal dispositions and an empty signal mask (.NET ignores SIGPIPE, and ignored signals
/// survive exec), and in /, so it keeps no directory of ours busy.</item>
/// </list>
/// </remarks>
public static class DetachedProcess
{
    private static bool _closeFromMissing;

    /// <summary>
    /// Starts <paramref name="path"/> with <paramref name="arguments"/> (argv[0] is the path) and exactly the
    /// environment <paramref name="environment"/>, detached, with its output appended to <paramref name="logFile"/>
    /// (created 0600 if missing). Returns at once with its pid and start time.
    /// </summary>
    /// <exception cref="Win32Exception">posix_spawn failed; <see cref="Win32Exception.NativeErrorCode"/> is the errno (2: no such file).</exception>
    /// <exception cref="IOException">The log file could not be opened.</exception>
    public static SpawnedProcess Spawn(
        string path,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string logFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrWhiteSpace(logFile);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Detached processes are spawned on Linux only.");
        }

        // A NUL would silently cut an argument short in the C string handed to exec.
        if (arguments.Any(a => a.Contains('\0', StringComparison.Ordinal))
            || environment.Any(e => e.Key.Length == 0 || e.Key.Contains('=', StringComparison.Ordinal) || (e.Key + e.Value).Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Arguments and environment variables must not contain NUL, and a variable name no '='.");
        }

        const uint privateMode = 0b110_000_000; // 0600
        var log = Libc.Open(logFile, Libc.WriteOnly | Libc.Create | Libc.Append | Libc.CloseOnExec, privateMode);
        if (log < 0)
        {
            throw new IOException($"Could not open the log file {logFile}: {Libc.Describe(Marshal.GetLastPInvokeError())}.");
        }

        try
        {
            var pid = SpawnWithLog(path, arguments, environment, log);
            // Read at once: the child is ours and unreaped, so its stat exists even if it has already exited.
            var stat = ProcStat.TryRead(pid)
                ?? throw new IOException($"Spawned {path} as pid {pid} but /proc/{pid}/stat cannot be read.");
            return new SpawnedProcess(pid, stat.StartTimeTicks);
        }
        finally
        {
            _ = Libc.Close(log);
        }
    }

    private static unsafe int SpawnWithLog(
        string path,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        int log)
    {
        var actions = NativeMemory.AllocZeroed(Libc.SpawnObjectSize);
        var attributes = NativeMemory.AllocZeroed(Libc.SpawnObjectSize);
        var signals = NativeMemory.AllocZeroed(Libc.SpawnObjectSize);
        var argv = ToNative([path, .. arguments]);
        var envp = ToNative([.. environment.Select(pair => $"{pair.Key}={pair.Value}")]);
        bool actionsReady = false, attributesReady = false;
        try
        {
            Check(Libc.SpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            actionsReady = true;
            Check(Libc.SpawnAttributesInit(attributes), "posix_spawnattr_init");
            attributesReady = true;

            Check(Libc.SpawnFileActionsAddDup2(actions, log, 1), "adddup2 stdout");
            Check(Libc.SpawnFileActionsAddDup2(actions, log, 2), "adddup2 stderr");
            Check(Libc.SpawnFileActionsAddOpen(actions, 0, "/dev/null", Libc.ReadOnly, 0), "addopen stdin");
            CloseInheritedDescriptors(actions);
            ChangeDirectoryToRoot(actions);

            _ = Libc.SignalSetFill(signals);
            Check(Libc.SpawnAttributesSetSignalDefaults(attributes, signals), "posix_spawnattr_setsigdefault");
            _ = Libc.SignalSetEmpty(signals);
            Check(Libc.SpawnAttributesSetSignalMask(attributes, signals), "posix_spawnattr_setsigmask");
            Check(
                Libc.SpawnAttributesSetFlags(attributes, Libc.SpawnSetSessionId | Libc.SpawnSetSignalDefaults | Libc.SpawnSetSignalMask),
                "posix_spawnattr_setflags");

            int pid;
            var error = Libc.PosixSpawn(&pid, path, actions, attributes, argv, envp);
            if (error != 0)
            {
                throw new Win32Exception(error, $"Could not start {path}: {Libc.Describe(error)}.");
            }

            return pid;
        }
        finally
        {
            if (actionsReady)
            {
                _ = Libc.SpawnFileActionsDestroy(actions);
            }

            if (attributesReady)
            {
                _ = Libc.SpawnAttributesDestroy(attributes);
            }

            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            FreeNative(argv);
            FreeNative(envp);
        }
    }

    private static unsafe void CloseInheritedDescriptors(void* actions)
    {
        if (!Volatile.Read(ref _closeFromMissing))
        {
            try
            {
                Check(Libc.SpawnFileActionsAddCloseFrom(actions, 3), "addclosefrom_np");
                return;
            }
            catch (EntryPointNotFoundException)
            {
                Volatile.Write(ref _closeFromMissing, true);
            }
        }

        // Older C library: close what is open now. A descriptor opened after this listing comes from .NET and is
        // close-on-exec; one listed but closed meanwhile is ignored by the child (EBADF from close is not an error).
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd > 2)
            {
                Check(Libc.SpawnFileActionsAddClose(actions, fd), "addclose");
            }
        }
    }

    private static unsafe void ChangeDirectoryToRoot(void* actions)
    {
        try
        {
            Check(Libc.SpawnFileActionsAddChdir(actions, "/"), "addchdir_np");
        }
        catch (EntryPointNotFoundException)
        {
            // Very old C library: the daemon keeps our working directory, which only keeps it from being removed.
        }
    }

    private static void Check(int error, string call)
    {
        if (error != 0)
        {
            throw new Win32Exception(error, $"{call} failed: {Libc.Describe(error)}.");
        }
    }

    private static unsafe nint* ToNative(string[] values)
    {
        var array = (nint*)NativeMemory.AllocZeroed((nuint)(values.Length + 1), (nuint)sizeof(nint));
        for (var i = 0; i < values.Length; i++)
        {
            array[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
        }

        return array;
    }

    private static unsafe void FreeNative(nint* array)
    {
        for (var p = array; *p != 0; p++)
        {
            Marshal.FreeCoTaskMem(*p);
        }

        NativeMemory.Free(array);
    }
}
