using System.Text.Json;
using Blacksmith.Infrastructure.Simulation.Scripted;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;
using Blacksmith.Steps.Recording;
using Blacksmith.Testing.Fakes;
using Bogus;

namespace Blacksmith.Steps.Tests.Recording;

public sealed class EffectCallsTests
{
    private readonly Faker _faker = new() { Random = new Randomizer(113) };
    private readonly ListEffectRecorder _recorder = new();
    private readonly VirtualTime _time = new(DateTimeOffset.UnixEpoch);

    private EffectCalls Calls => new(_recorder, _time);

    [Fact]
    public async Task A_successful_call_is_recorded_with_its_arguments_value_and_duration()
    {
        var disk = new ExposedDisk(_faker.Random.AlphaNumeric(12), $"/dev/vd{_faker.Random.Char('b', 'z')}");
        var key = _faker.Internet.DomainWord();

        var returned = await Calls.RunAsync(PortCalls.StickyDiskExpose, EffectCalls.Arguments(("cacheKey", key)), async () =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
            return disk;
        });

        Assert.Same(disk, returned);
        var (_, effect) = Assert.Single(_recorder.Effects);
        Assert.Equal(("stickydisk", "expose", EffectOutcome.Succeeded, 250L), (effect.Port, effect.Method, effect.Outcome, effect.DurationMs));
        Assert.Equal(key, effect.Arguments["cacheKey"]);
        Assert.Equal(disk, effect.Result!.Value.Deserialize(EffectJsonContext.Default.ExposedDisk));
    }

    [Theory]
    [InlineData(ExternalErrorKind.Unavailable, EffectOutcome.Failed)]
    [InlineData(ExternalErrorKind.Failed, EffectOutcome.Failed)]
    [InlineData(ExternalErrorKind.BadReply, EffectOutcome.Failed)]
    [InlineData(ExternalErrorKind.Missing, EffectOutcome.Failed)]
    [InlineData(ExternalErrorKind.Timeout, EffectOutcome.TimedOut)]
    public async Task A_failed_call_is_recorded_with_its_error_kind_and_the_exception_still_reaches_the_caller(ExternalErrorKind kind, EffectOutcome outcome)
    {
        var message = _faker.Lorem.Sentence();
        var failure = new ExternalCallException("stickydisk.expose", kind, message);

        var thrown = await Assert.ThrowsAsync<ExternalCallException>(() =>
            Calls.RunAsync(PortCalls.StickyDiskExpose, EffectCalls.Arguments(), () => Task.FromException<ExposedDisk>(failure)));

        Assert.Same(failure, thrown);
        var (_, effect) = Assert.Single(_recorder.Effects);
        Assert.Equal((outcome, kind.ToString()), (effect.Outcome, effect.ErrorKind));
        Assert.Contains(message, effect.Message, StringComparison.Ordinal);
        Assert.Null(effect.Result);
    }

    [Fact]
    public async Task A_failed_call_is_recorded_as_data_its_operation_kind_own_words_and_exit_code()
    {
        var words = _faker.Lorem.Sentence();
        var exitCode = _faker.Random.Int(1, 125);
        var failure = new ExternalCallException("buildx.create", ExternalErrorKind.Failed, words) { ExitCode = exitCode };

        await Assert.ThrowsAsync<ExternalCallException>(() =>
            Calls.RunAsync(PortCalls.BuildxRegister, EffectCalls.Arguments(), () => Task.FromException<RegisteredBuilder>(failure)));

        var (_, effect) = Assert.Single(_recorder.Effects);
        // What a replay answers the call with, whatever the message says: the operation is not the call's own name here.
        Assert.Equal(new CallFailure("buildx.create", ExternalErrorKind.Failed, words, exitCode), effect.Failure);
    }

    [Fact]
    public async Task A_bug_in_an_adapter_records_no_failure_data()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Calls.RunAsync(PortCalls.BlockDeviceSync, EffectCalls.Arguments(), () => Task.FromException(new InvalidOperationException("bug"))));

        var (_, effect) = Assert.Single(_recorder.Effects);
        Assert.Null(effect.Failure);
    }

    [Fact]
    public async Task A_cancelled_call_is_recorded_as_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Calls.RunAsync(PortCalls.BlockDeviceUnmount, EffectCalls.Arguments(("mountPoint", "/var/lib/buildkit")), () => Task.FromCanceled(cancelled.Token)));

        Assert.Equal(EffectOutcome.Cancelled, Assert.Single(_recorder.Effects).Effect.Outcome);
    }

    [Fact]
    public async Task An_unexpected_exception_is_recorded_under_its_type_name()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Calls.RunAsync(PortCalls.BlockDeviceSync, EffectCalls.Arguments(), () => Task.FromException(new InvalidOperationException("bug"))));

        var effect = Assert.Single(_recorder.Effects).Effect;
        Assert.Equal((EffectOutcome.Failed, nameof(InvalidOperationException), "bug"), (effect.Outcome, effect.ErrorKind, effect.Message));
    }

    [Fact]
    public async Task Effects_are_recorded_under_the_session_of_the_current_scope()
    {
        var session = _faker.Random.AlphaNumeric(10);
        using (EffectScope.Enter(session))
        {
            await Calls.RunAsync(PortCalls.BlockDeviceFlush, EffectCalls.Arguments(("device", "/dev/vdb")), () => Task.CompletedTask);
        }

        await Calls.RunAsync(PortCalls.BlockDeviceFlush, EffectCalls.Arguments(("device", "/dev/vdb")), () => Task.CompletedTask);

        Assert.Equal([session, null], _recorder.Effects.Select(e => e.Session));
    }

    [Fact]
    public void Arguments_are_kept_in_invariant_text_and_null_ones_are_left_out()
    {
        var arguments = EffectCalls.Arguments(("bytes", 1234567L), ("ratio", 0.5), ("commit", true), ("usage", (long?)null));

        Assert.Equal(
            new Dictionary<string, string> { ["bytes"] = "1234567", ["ratio"] = "0.5", ["commit"] = "True" },
            arguments);
    }
}
