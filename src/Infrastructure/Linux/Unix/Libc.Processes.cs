using System.Runtime.InteropServices;

namespace Blacksmith.Infrastructure.Unix;

/// <summary>
/// The process calls .NET's <see cref="System.Diagnostics.Process"/> cannot make: <c>posix_spawn</c> with a new
/// session and chosen descriptors (for the detached daemon), <c>kill(2)</c> and the pidfd calls that signal and wait
/// for a process we did not start with <see cref="System.Diagnostics.Process"/>, and <c>waitpid</c> to reap it.
/// </summary>
/// <remarks>
/// Linux only (glibc or musl). posix_spawn's attribute and file-action objects are opaque and their size differs
/// between C libraries, so callers allocate <see cref="SpawnObjectSize"/> zeroed bytes for each (glibc x64 needs 336,
/// the largest known) and let the library initialise them.
/// </remarks>
internal static partial class Libc
{
    /// <summary>Bytes reserved for one posix_spawnattr_t, posix_spawn_file_actions_t or sigset_t.</summary>
    public const int SpawnObjectSize = 1024;

    public const short SpawnSetSignalDefaults = 0x04;
    public const short SpawnSetSignalMask = 0x08;

    /// <summary>POSIX_SPAWN_SETSID: the child calls setsid() before exec (glibc 2.26+, musl 1.1.24+).</summary>
    public const short SpawnSetSessionId = 0x80;

    public const int WriteOnly = 1;
    public const int Append = 0x400;

    public const int NoSuchProcess = 3;
    public const int NotPermitted = 1;
    public const int NotImplemented = 38;

    public const int SignalKill = 9;
    public const int SignalTerminate = 15;

    public const short PollIn = 0x1;

    public const int WaitNoHang = 1;

    /// <summary>EFD_CLOEXEC for eventfd (same value as O_CLOEXEC on Linux).</summary>
    public const int EventCloseOnExec = 0x80000;

    // The pidfd system calls have the same numbers on every architecture (they were added after the tables were
    // unified); glibc only wraps them since 2.36, so they are called through syscall(2).
    private const long SysPidfdSendSignal = 424;
    private const long SysPidfdOpen = 434;

    [LibraryImport(Library, EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int PosixSpawn(int* pid, string path, void* fileActions, void* attributes, nint* argv, nint* envp);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    public static unsafe partial int SpawnFileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static unsafe partial int SpawnFileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static unsafe partial int SpawnFileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int SpawnFileActionsAddOpen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addclose")]
    public static unsafe partial int SpawnFileActionsAddClose(void* fileActions, int fd);

    /// <summary>glibc 2.34+; a missing export throws <see cref="EntryPointNotFoundException"/>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static unsafe partial int SpawnFileActionsAddCloseFrom(void* fileActions, int lowFd);

    /// <summary>glibc 2.29+, musl 1.1.24+; a missing export throws <see cref="EntryPointNotFoundException"/>.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int SpawnFileActionsAddChdir(void* fileActions, string path);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static unsafe partial int SpawnAttributesInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static unsafe partial int SpawnAttributesDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static unsafe partial int SpawnAttributesSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static unsafe partial int SpawnAttributesSetSignalDefaults(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static unsafe partial int SpawnAttributesSetSignalMask(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "sigfillset")]
    public static unsafe partial int SignalSetFill(void* signals);

    [LibraryImport(Library, EntryPoint = "sigemptyset")]
    public static unsafe partial int SignalSetEmpty(void* signals);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long argument1, long argument2, long argument3, long argument4);

    /// <summary>pidfd_open(2), Linux 5.3+: a descriptor that refers to this very process, never to a later reuse of its pid.</summary>
    public static int PidfdOpen(int pid) => (int)Syscall(SysPidfdOpen, pid, 0, 0, 0);

    /// <summary>pidfd_send_signal(2), Linux 5.1+.</summary>
    public static int PidfdSendSignal(int pidfd, int signal) => (int)Syscall(SysPidfdSendSignal, pidfd, signal, 0, 0);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollDescriptor
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
