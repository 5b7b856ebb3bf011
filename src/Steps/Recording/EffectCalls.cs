using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
public sealed class EffectCalls(IEffectRecorder recorder, TimeProvider time, IFailpoints? failpoints = null)
{
    private readonly IFailpoints? _failpoints = NoFailpoints.Active(failpoints);

    public async Task<T> RunAsync<T>(
        string port,
        string method,
        IReadOnlyDictionary<string, string> arguments,
        Func<Task<T>> call,
        JsonTypeInfo<T> resultType)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(resultType);
        var started = time.GetTimestamp();
        T result;
        try
        {
            result = await call();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(port, method, arguments, started, ex);
            throw;
        }

        var record = new EffectRecord(port, method, arguments, EffectOutcome.Succeeded, Elapsed(started), JsonSerializer.SerializeToElement(result, resultType));
        await RecordAsync(port, method, record);
        return result;
    }

    public async Task RunAsync(string port, string method, IReadOnlyDictionary<string, string> arguments, Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = time.GetTimestamp();
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(port, method, arguments, started, ex);
            throw;
        }

        await RecordAsync(port, method, new EffectRecord(port, method, arguments, EffectOutcome.Succeeded, Elapsed(started)));
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

    private Task RecordFailureAsync(string port, string method, IReadOnlyDictionary<string, string> arguments, long started, Exception ex) =>
        RecordAsync(port, method, Failure(port, method, arguments, started, ex));

    private async Task RecordAsync(string port, string method, EffectRecord record)
    {
        _failpoints?.Reached($"effect:{port}.{method}");
        await recorder.RecordAsync(record, CancellationToken.None);
        _failpoints?.Reached($"recorded:{port}.{method}");
    }

    private EffectRecord Failure(string port, string method, IReadOnlyDictionary<string, string> arguments, long started, Exception ex)
    {
        var (outcome, kind) = ex switch
        {
            ExternalCallException { Kind: ExternalErrorKind.Timeout } => (EffectOutcome.TimedOut, ExternalErrorKind.Timeout.ToString()),
            ExternalCallException external => (EffectOutcome.Failed, external.Kind.ToString()),
            OperationCanceledException => (EffectOutcome.Cancelled, null),
            // A bug in an adapter: recorded as it is, so a replay shows it rather than a made-up category.
            _ => (EffectOutcome.Failed, ex.GetType().Name),
        };
        return new EffectRecord(port, method, arguments, outcome, Elapsed(started), ErrorKind: kind, Message: ex.Message, Failure: (ex as ExternalCallException)?.Failure);
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}
