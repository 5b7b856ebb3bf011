using System.Globalization;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Ports;
using Blacksmith.Orchestration.Recording;

namespace Blacksmith.Steps.Recording;

/// <summary>
/// Runs one port call and records it: arguments (as the decorator chose them, secrets left out), outcome, duration
/// and returned value. The call's own result or exception passes through unchanged.
/// </summary>
/// <remarks>
/// Between the call's return and its record lies the moment a kill leaves an effect with no trace in the journal; the
/// kill-point tests stop the host exactly there (<c>effect:&lt;port&gt;.&lt;method&gt;</c>) and right after the record
/// (<c>recorded:…</c>) through <see cref="IFailpoints"/>.
/// </remarks>
internal sealed class EffectCalls(IEffectRecorder recorder, TimeProvider time, IFailpoints? failpoints = null)
{
    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    /// <summary>Runs <paramref name="run"/> as <paramref name="call"/> and records it with the value it returned.</summary>
    public async Task<T> RunAsync<T>(PortCall<T> call, IReadOnlyDictionary<string, string> arguments, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(run);
        var started = time.GetTimestamp();
        T result;
        try
        {
            result = await run();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(call, arguments, started, ex);
            throw;
        }

        var record = new EffectRecord(call.Port, call.Method, arguments, EffectOutcome.Succeeded, Elapsed(started), JsonSerializer.SerializeToElement(result, call.Value));
        await RecordAsync(call, record);
        return result;
    }

    /// <summary>Runs <paramref name="run"/> as <paramref name="call"/>, which returns nothing, and records it.</summary>
    public async Task RunAsync(PortCall call, IReadOnlyDictionary<string, string> arguments, Func<Task> run)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(run);
        var started = time.GetTimestamp();
        try
        {
            await run();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(call, arguments, started, ex);
            throw;
        }

        await RecordAsync(call, new EffectRecord(call.Port, call.Method, arguments, EffectOutcome.Succeeded, Elapsed(started)));
    }

    /// <summary>Arguments in the invariant text form the journal keeps.</summary>
    public static IReadOnlyDictionary<string, string> Arguments(params (string Name, object? Value)[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var map = new Dictionary<string, string>(arguments.Length, StringComparer.Ordinal);
        foreach (var (name, value) in arguments)
        {
            if (value is not null)
            {
                map[name] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }

        return map;
    }

    private Task RecordFailureAsync(PortCall call, IReadOnlyDictionary<string, string> arguments, long started, Exception ex) =>
        RecordAsync(call, Failure(call, arguments, started, ex));

    private async Task RecordAsync(PortCall call, EffectRecord record)
    {
        _failpoints?.Reached($"effect:{call.Name}");
        await recorder.RecordAsync(record, CancellationToken.None);
        _failpoints?.Reached($"recorded:{call.Name}");
    }

    private EffectRecord Failure(PortCall call, IReadOnlyDictionary<string, string> arguments, long started, Exception ex)
    {
        var (outcome, kind) = ex switch
        {
            ExternalCallException { Kind: ExternalErrorKind.Timeout } => (EffectOutcome.TimedOut, ExternalErrorKind.Timeout.ToString()),
            ExternalCallException external => (EffectOutcome.Failed, external.Kind.ToString()),
            OperationCanceledException => (EffectOutcome.Cancelled, null),
            // A bug in an adapter: recorded as it is, so a replay shows it rather than a made-up category.
            _ => (EffectOutcome.Failed, ex.GetType().Name),
        };
        return new EffectRecord(call.Port, call.Method, arguments, outcome, Elapsed(started), ErrorKind: kind, Message: ex.Message, Failure: (ex as ExternalCallException)?.Failure);
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}
