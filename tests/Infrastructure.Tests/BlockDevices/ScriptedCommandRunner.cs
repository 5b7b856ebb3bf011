using Blacksmith.Infrastructure.BlockDevices;

namespace Blacksmith.Infrastructure.Tests.BlockDevices;

/// <summary>Records every command and answers from a script: a reply per tool, success with no output otherwise.</summary>
internal sealed class ScriptedCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, Func<CommandResult>> _replies = new(StringComparer.Ordinal);

    public List<RecordedCommand> Commands { get; } = [];

    /// <summary>The answer for a tool, whether it runs directly or as sudo's argument.</summary>
    public ScriptedCommandRunner Reply(string tool, int exitCode, string standardOutput = "", string standardError = "")
    {
        _replies[tool] = () => new CommandResult(exitCode, standardOutput, standardError);
        return this;
    }

    public ScriptedCommandRunner Throw(string tool, Exception exception)
    {
        _replies[tool] = () => throw exception;
        return this;
    }

    public Task<CommandResult> RunAsync(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var command = new RecordedCommand(file, [.. arguments], timeout);
        Commands.Add(command);
        var tool = file == "sudo" ? arguments.First(a => !a.StartsWith('-')) : file;
        return Task.FromResult(_replies.TryGetValue(tool, out var reply) ? reply() : new CommandResult(0, "", ""));
    }
}
