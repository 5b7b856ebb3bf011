using System.Runtime.Versioning;
using Blacksmith.Infrastructure.Processes;
using Blacksmith.Infrastructure.Simulation.Scripted;

namespace Blacksmith.Infrastructure.Tests.Processes;

[SupportedOSPlatform("linux")]
public sealed class ProcessLifetimeTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<SpawnedProcess> _started = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await OsProcesses.KillAsync(process);
        }

        _temp.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Waiting_returns_true_as_soon_as_the_process_exits(bool usePidfd)
    {
        var sleeper = Sleeper();
        var wait = ProcessLifetime.WaitForExitAsync(sleeper, TimeSpan.FromMinutes(5), TimeProvider.System, usePidfd, Token);
        Assert.False(wait.IsCompleted);

        Assert.Equal(SignalResult.Delivered, ProcessLifetime.Signal(sleeper, 15));

        Assert.True(await wait);
        Assert.False(ProcessLifetime.IsRunning(sleeper));
        // Our own child was reaped, not left a zombie.
        Assert.Null(ProcStat.TryRead(sleeper.Pid));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Waiting_gives_up_after_the_timeout_with_the_process_still_running(bool usePidfd)
    {
        var time = new VirtualTime(DateTimeOffset.UnixEpoch);
        var sleeper = Sleeper();

        var wait = ProcessLifetime.WaitForExitAsync(sleeper, TimeSpan.FromSeconds(30), time, usePidfd, Token);
        while (!wait.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.False(await wait);
        Assert.True(ProcessLifetime.IsRunning(sleeper));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Waiting_can_be_cancelled(bool usePidfd)
    {
        var sleeper = Sleeper();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var wait = ProcessLifetime.WaitForExitAsync(sleeper, TimeSpan.FromMinutes(5), TimeProvider.System, usePidfd, cancel.Token);
        Assert.False(wait.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.True(ProcessLifetime.IsRunning(sleeper));
    }

    [Fact]
    public async Task A_wrong_start_time_is_never_signalled()
    {
        var sleeper = Sleeper();
        var impostor = sleeper with { StartTimeTicks = sleeper.StartTimeTicks - 1 };

        Assert.False(ProcessLifetime.IsRunning(impostor));
        Assert.Equal(SignalResult.Gone, ProcessLifetime.Signal(impostor, 9));
        Assert.True(await ProcessLifetime.WaitForExitAsync(impostor, TimeSpan.FromMinutes(1), TimeProvider.System, Token));

        Assert.True(ProcessLifetime.IsRunning(sleeper));
    }

    [Fact]
    public async Task A_process_that_has_exited_is_gone()
    {
        var sleeper = Sleeper();
        ProcessLifetime.Signal(sleeper, 9);
        Assert.True(await ProcessLifetime.WaitForExitAsync(sleeper, OsProcesses.Patience, TimeProvider.System, Token));

        Assert.Equal(SignalResult.Gone, ProcessLifetime.Signal(sleeper, 15));
    }

    private SpawnedProcess Sleeper()
    {
        var sleeper = DetachedProcess.Spawn(
            "/bin/sleep", ["600"], new Dictionary<string, string>(), Path.Combine(_temp.Path, $"sleep-{_started.Count}.log"));
        _started.Add(sleeper);
        return sleeper;
    }
}
