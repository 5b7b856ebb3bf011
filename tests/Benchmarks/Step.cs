namespace Blacksmith.Benchmarks;

/// <summary>One step's process environment (see <see cref="StepEnvironment"/>); inputs and variables may be added before it runs.</summary>
internal sealed class Step(string verb, string jobDirectory, Dictionary<string, string> variables, Dictionary<string, string> inputs, string shims)
{
    public string Verb { get; } = verb;

    public string JobDirectory { get; } = jobDirectory;

    /// <summary>The action's inputs by name as written in action.yml; each becomes INPUT_NAME.</summary>
    public Dictionary<string, string> Inputs { get; } = inputs;

    public Dictionary<string, string> Variables { get; } = variables;

    public string StateFile => Variables["GITHUB_STATE"];

    /// <summary>Replaces <paramref name="environment"/> with this step's.</summary>
    public void Apply(IDictionary<string, string?> environment)
    {
        environment.Clear();
        foreach (var (name, value) in StepEnvironment.Inherited())
        {
            environment[name] = value;
        }

        foreach (var (name, value) in Variables)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in Inputs)
        {
            environment[$"INPUT_{name.ToUpperInvariant()}"] = value;
        }

        environment["PATH"] = $"{shims}:{Environment.GetEnvironmentVariable("PATH")}";
    }
}
