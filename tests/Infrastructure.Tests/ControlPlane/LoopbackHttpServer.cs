using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Blacksmith.Testing;

namespace Blacksmith.Infrastructure.Tests.ControlPlane;

/// <summary>An HTTP server on 127.0.0.1 that records requests and answers from a script.</summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public LoopbackHttpServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers for the next requests, one each; when empty, 200 with <see cref="DefaultBody"/>.</summary>
    public ConcurrentQueue<ScriptedAnswer> Script { get; } = new();

    public string DefaultBody { get; set; } = "{}";

    /// <summary>When set, every request waits for this before being answered (to provoke client timeouts).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Waits until <paramref name="count"/> requests have arrived, or <paramref name="limit"/> has passed.</summary>
    public async Task<int> WaitForRequestsAsync(int count, TimeSpan limit, CancellationToken cancellationToken)
    {
        for (var seen = 0; seen < count && await _arrived.WaitAsync(limit, cancellationToken); seen++)
        {
        }

        return Requests.Count;
    }

    public async ValueTask DisposeAsync()
    {
        Gate?.TrySetResult();
        await _stop.CancelAsync();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener re-resolves its endpoint while closing and can trip over the port, which another
            // test may have taken meanwhile; the listener is closed either way.
        }
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
        _arrived.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        string body;
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            body = await reader.ReadToEndAsync();
        }
        catch (Exception ex) when (ex is IOException or HttpListenerException or ObjectDisposedException)
        {
            // A client that timed out may be gone before its body is read; the request still arrived.
            body = string.Empty;
        }

        Requests.Enqueue(new RecordedRequest(
            context.Request.HttpMethod,
            context.Request.Url!.AbsolutePath,
            context.Request.Headers["Authorization"],
            context.Request.Headers["X-Github-Repo-Name"],
            body));
        _arrived.Release();
        if (Gate is { } gate)
        {
            // A test that failed before opening the gate must not leave the server's handler (and its disposal) waiting.
            await BoundedWait.ForAsync(gate.Task, "the test to open the request gate");
        }

        var answer = Script.TryDequeue(out var scripted) ? scripted : new ScriptedAnswer(200, DefaultBody);
        try
        {
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The client gave up on this request.
        }
    }
}

internal sealed record RecordedRequest(string Method, string Path, string? Authorization, string? RepoName, string Body);

internal sealed record ScriptedAnswer(int Status, string Body = "{}", int? RetryAfterSeconds = null);
