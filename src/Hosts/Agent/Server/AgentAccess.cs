using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Blacksmith.Agent.Server;

/// <summary>
/// Who may use the agent. Without a token, anyone who can reach it (loopback only: <see cref="Configuration.AgentSettings.Validate"/>).
/// With one, a call must carry it, either as <c>authorization: Bearer</c> metadata or in the request's
/// <c>sticky_disk_token</c> field. The field is what the engine's client and Blacksmith's actions send (the token
/// travels in the message bodies, protocols.md §4.1); the metadata is what any other gRPC client would send.
/// </summary>
internal sealed class AgentAccess
{
    private const string BearerPrefix = "Bearer ";

    private readonly byte[]? _token;

    public AgentAccess(string? token)
    {
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
    }

    public bool RequiresToken => _token is not null;

    /// <summary>Lets the call through, or fails it with Unauthenticated.</summary>
    /// <param name="context">The call, for its metadata.</param>
    /// <param name="bodyToken">The request's <c>sticky_disk_token</c>, where the message has one.</param>
    public void Demand(ServerCallContext context, string? bodyToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_token is null)
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        var presented = header is not null && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? header[BearerPrefix.Length..].Trim()
            : null;
        if (Matches(presented) || Matches(bodyToken))
        {
            return;
        }

        throw new RpcException(new Status(
            StatusCode.Unauthenticated,
            string.IsNullOrEmpty(presented) && string.IsNullOrEmpty(bodyToken)
                ? "this agent requires a token: send it as 'authorization: Bearer <token>' metadata or in the request's sticky_disk_token "
                  + "(the engine sends BLACKSMITH_STICKYDISK_TOKEN there)"
                : "the token sent is not this agent's token"));
    }

    // Constant time, so that the time a refusal takes tells nothing about how much of a guess was right.
    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
