namespace Blacksmith.Doubles.Docker;

/// <summary>
/// The flags of one command, parsed as spf13/pflag does: <c>--name value</c>, <c>--name=value</c>, <c>-n value</c>,
/// <c>-nvalue</c>, booleans with an optional <c>=true|false</c>, <c>--</c> ending flags, and flags allowed after
/// positionals (as <c>docker buildx build ... CONTEXT --debug</c> relies on).
/// </summary>
internal sealed class FlagSet
{
    private readonly Dictionary<string, bool> _takesValue = new(StringComparer.Ordinal);
    private readonly Dictionary<char, string> _shorthands = [];

    public FlagSet(string commandPath)
    {
        CommandPath = commandPath;
        // buildx's persistent root flags, accepted by every subcommand.
        Value("builder").Bool("debug", 'D');
    }

    public string CommandPath { get; }

    public FlagSet Value(string name, char? shorthand = null) => Add(name, shorthand, takesValue: true);

    public FlagSet Bool(string name, char? shorthand = null) => Add(name, shorthand, takesValue: false);

    public ParsedFlags Parse(IReadOnlyList<string> args)
    {
        var parsed = new ParsedFlags();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (argument == "--")
            {
                parsed.Positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (argument.StartsWith("--", StringComparison.Ordinal))
            {
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                var name = equals > 0 ? argument[2..equals] : argument[2..];
                string? inline = equals > 0 ? argument[(equals + 1)..] : null;
                if (!_takesValue.TryGetValue(name, out var takesValue))
                {
                    throw FlagError($"unknown flag: --{name}");
                }

                parsed.Add(name, Resolve(name, $"--{name}", takesValue, inline, args, ref i));
            }
            else if (argument.Length > 1 && argument[0] == '-')
            {
                var shorthand = argument[1];
                if (!_shorthands.TryGetValue(shorthand, out var name))
                {
                    throw FlagError($"unknown shorthand flag: '{shorthand}' in {argument}");
                }

                var rest = argument[2..];
                string? inline = rest.Length == 0 ? null : rest.TrimStart('=');
                parsed.Add(name, Resolve(name, $"'{shorthand}' in {argument}", _takesValue[name], inline, args, ref i));
            }
            else
            {
                parsed.Positionals.Add(argument);
            }
        }

        return parsed;
    }

    /// <summary>cobra's <c>RequiresMaxArgs</c>.</summary>
    public void RequireAtMost(ParsedFlags parsed, int count, string usage)
    {
        if (parsed.Positionals.Count > count)
        {
            throw new UsageException(
                $"\"{CommandPath}\" requires at most {count} {(count == 1 ? "argument" : "arguments")}.\nSee '{CommandPath} --help'.\n\nUsage:  {usage}", 1);
        }
    }

    /// <summary>cobra's <c>ExactArgs</c>.</summary>
    public void RequireExactly(ParsedFlags parsed, int count, string usage)
    {
        if (parsed.Positionals.Count != count)
        {
            throw new UsageException(
                $"\"{CommandPath}\" requires exactly {count} {(count == 1 ? "argument" : "arguments")}.\nSee '{CommandPath} --help'.\n\nUsage:  {usage}", 1);
        }
    }

    private string Resolve(string name, string shown, bool takesValue, string? inline, IReadOnlyList<string> args, ref int i)
    {
        if (!takesValue)
        {
            return inline switch
            {
                null or "true" or "1" or "t" or "T" or "TRUE" or "True" => "true",
                "false" or "0" or "f" or "F" or "FALSE" or "False" => "false",
                _ => throw FlagError($"invalid argument \"{inline}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{inline}\": invalid syntax"),
            };
        }

        if (inline is not null)
        {
            return inline;
        }

        if (i + 1 >= args.Count)
        {
            throw FlagError($"flag needs an argument: {shown}");
        }

        return args[++i];
    }

    private FlagSet Add(string name, char? shorthand, bool takesValue)
    {
        _takesValue[name] = takesValue;
        if (shorthand is { } c)
        {
            _shorthands[c] = name;
        }

        return this;
    }

    private UsageException FlagError(string message) =>
        new($"{message}\nSee '{CommandPath} --help'.", UsageException.FlagError);
}
