namespace Blacksmith.Agent.Configuration;

/// <summary>The agent refuses to start with this configuration; the message says what to change.</summary>
public sealed class AgentConfigurationException : Exception
{
    public AgentConfigurationException(string message)
        : base(message)
    {
    }

    public AgentConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public AgentConfigurationException()
    {
    }
}
