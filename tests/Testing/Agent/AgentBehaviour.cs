using Grpc.Core;

namespace Blacksmith.Testing.Agent;

/// <summary>One scripted way for the fake agent to answer a call instead of succeeding at once.</summary>
internal sealed record AgentBehaviour(AgentBehaviour.Act What, StatusCode Code = StatusCode.OK, string Detail = "", int HttpStatus = 0, AgentHold? Hold = null)
{
    internal enum Act
    {
        /// <summary>Answer with a gRPC status.</summary>
        Fail,

        /// <summary>Answer a plain HTTP status, as a proxy in front of the agent would; the agent never sees the call.</summary>
        HttpStatus,

        /// <summary>Wait at a gate, then answer as usual.</summary>
        Hold,

        /// <summary>Abort the TCP connection mid-call, as a crashing agent would.</summary>
        DropConnection,

        /// <summary>Reset only the call's HTTP/2 stream (<c>HttpContext.Abort</c>); the connection stays up.</summary>
        ResetStream,
    }
}
