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
public sealed class EffectCalls(IEffectRecorder recorder, TimeProvider time)
{
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
            await recorder.RecordAsync(Failure(port, method, arguments, started, ex), CancellationToken.None);
            throw;
        }

        await recorder.RecordAsync(
            new EffectRecord(port, method, arguments, EffectOutcome.Succeeded, Elapsed(started),
                JsonSerializer.SerializeToElement(result, resultType)),
            CancellationToken.None);
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
            await recorder.RecordAsync(Failure(port, method, arguments, started, ex), CancellationToken.None);
            throw;
        }

        await recorder.RecordAsync(new EffectRecord(port, method, arguments, EffectOutcome.Succeeded, Elapsed(started)), CancellationToken.None);
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
        return new EffectRecord(port, method, arguments, outcome, Elapsed(started), ErrorKind: kind, Message: ex.Message);
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}
