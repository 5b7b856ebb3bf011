using System.CommandLine;
using System.Text.RegularExpressions;
using Blacksmith.Agent.Configuration;
using Blacksmith.Cli;
using Blacksmith.Hosting.EntryPoints;
using Blacksmith.Infrastructure.Ci.Generic;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Docs;

/// <summary>
/// What the docs name in backticks exists: a <c>blacksmith</c> verb and its flags, a <c>--flag</c>, a
/// <c>BLACKSMITH_*</c> variable, a path in the repository. The truth comes from the code: the command trees of both
/// executables, the variables and flags the sources spell, the input tables, and the checkout itself.
/// </summary>
public sealed partial class DocsTruthTests
{
    private static readonly Lazy<Truth> Known = new(Truth.FromCode);

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in DocumentPaths())
        {
            data.Add(Path.GetRelativePath(Checkout.Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_verb_flag_variable_and_path_a_document_names_exists(string document)
    {
        var findings = new List<string>();
        foreach (var (line, code) in Snippets(File.ReadAllLines(Path.Combine(Checkout.Root, document))))
        {
            findings.AddRange(Check(code).Select(problem => $"{document}:{line}: `{code}`: {problem}"));
        }

        Assert.True(findings.Count == 0, string.Join('\n', findings));
    }

    [Fact]
    public void The_check_finds_what_does_not_exist()
    {
        Assert.NotEmpty(Check("blacksmith frobnicate"));
        Assert.NotEmpty(Check("blacksmith setup --no-such-flag"));
        Assert.NotEmpty(Check("blacksmith store prune"));
        Assert.NotEmpty(Check("--no-such-flag"));
        Assert.NotEmpty(Check("BLACKSMITH_NO_SUCH_VARIABLE"));
        Assert.NotEmpty(Check("src/Hosts/NoSuchFile.cs"));
        Assert.NotEmpty(Check("blacksmith-agent --no-such-flag"));
        Assert.Empty(Check("blacksmith store gc --keep 2 --data-dir DIR"));
        Assert.Empty(Check("blacksmith setup --cache-key x --verbose"));
        Assert.Empty(Check("BLACKSMITH_CACHE_KEY=x blacksmith post --job-status \"$CI_JOB_STATUS\""));
        Assert.Empty(Check("dotnet test --project tests/Hosts.Tests -- --filter-class \"*Name*\""));
        Assert.Empty(Check("docs/adr/*.md"));
        Assert.Empty(Check("dist/<rid>/blacksmith"));
    }

    private static IEnumerable<string> DocumentPaths()
    {
        foreach (var file in new[] { "README.md", "CONTRIBUTING.md" })
        {
            yield return Path.Combine(Checkout.Root, file);
        }

        foreach (var folder in new[] { "docs", "actions" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Checkout.Root, folder), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                yield return file;
            }
        }
    }

    /// <summary>
    /// Every backtick span, and every line of a shell or YAML code block (where commands are written), with its line
    /// number. Other blocks (a layout drawing, JSON, a diagram) hold no commands.
    /// </summary>
    private static IEnumerable<(int Line, string Code)> Snippets(string[] lines)
    {
        string? fence = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                fence = fence is null ? trimmed[3..].Trim() : null;
                continue;
            }

            if (fence is not null)
            {
                if (fence is "sh" or "bash" or "shell" or "console" or "yaml" or "yml")
                {
                    yield return (i + 1, lines[i].Trim());
                }

                continue;
            }

            foreach (Match span in BacktickSpan().Matches(lines[i]))
            {
                yield return (i + 1, span.Groups["code"].Value.Replace("\\|", "|", StringComparison.Ordinal).Trim());
            }
        }
    }

    private static List<string> Check(string code)
    {
        var problems = new List<string>();
        var known = Known.Value;

        foreach (Match variable in Variable().Matches(code))
        {
            if (!known.Variables.Contains(variable.Value))
            {
                problems.Add($"{variable.Value} is read nowhere in the code");
            }
        }

        var tokens = Tokens(code);
        foreach (var token in tokens)
        {
            if (RepositoryPath(token) is { } path && !Exists(path))
            {
                problems.Add($"{path} does not exist in the repository");
            }
        }

        // A command line of ours: the snippet starts with it (after a list dash, a prompt, sudo or variables), or it
        // follows `dotnet run --project src/Hosts/… --`.
        var start = tokens.FindIndex(t => t is not ("-" or "$" or "sudo" or "run:" or "script:") && !Assignment().IsMatch(t));
        if (start >= 0 && tokens[start] is "blacksmith" or "blacksmith-agent")
        {
            problems.AddRange(CheckCommandLine(tokens[start] == "blacksmith" ? known.Cli : known.Agent, tokens[(start + 1)..]));
            return problems;
        }

        if (start >= 0 && tokens[start] == "dotnet" && tokens.IndexOf("--") is > 0 and var separator)
        {
            if (tokens[..separator].Contains("src/Hosts/Cli"))
            {
                problems.AddRange(CheckCommandLine(known.Cli, tokens[(separator + 1)..]));
            }
            else if (tokens[..separator].Contains("src/Hosts/Agent"))
            {
                problems.AddRange(CheckCommandLine(known.Agent, tokens[(separator + 1)..]));
            }

            return problems;
        }

        if (start >= 0 && tokens[start] == "--" && start + 1 < tokens.Count && LowercaseWord().IsMatch(tokens[start + 1]))
        {
            // `-- run --fail-build 2`: blacksmith's arguments after `dotnet run --project src/Hosts/Cli`.
            problems.AddRange(CheckCommandLine(known.Cli, tokens[(start + 1)..]));
            return problems;
        }

        // A flag on its own (`--cache-key`, `--keep 2`): ours, or one our code passes to a tool.
        if (tokens.Count > 0 && Flag().Match(tokens[0]) is { Success: true } standalone)
        {
            var flag = standalone.Groups["flag"].Value;
            if (!known.Flags.Contains(flag))
            {
                problems.Add($"{flag} is no option of blacksmith or blacksmith-agent, and no flag the code passes to a tool");
            }
        }

        return problems;
    }

    private static IEnumerable<string> CheckCommandLine(Command root, List<string> arguments)
    {
        var command = root;
        var inherited = root.Options.Where(o => o.Recursive).ToList();
        var first = true;
        var value = false;
        foreach (var token in arguments)
        {
            if (token is "|" or "&&" or ";" or ">" or "2>&1")
            {
                yield break;
            }

            if (Flag().Match(token) is { Success: true } match)
            {
                var flag = match.Groups["flag"].Value;
                var option = Options(command, inherited).FirstOrDefault(o => o.Name == flag || o.Aliases.Contains(flag));
                if (option is null)
                {
                    yield return $"{CommandName(command)} has no option {flag}";
                }

                // `--backend ceph`: the word after a flag that takes a value is that value, not a verb.
                value = option is { Arity.MaximumNumberOfValues: > 0 } && !token.Contains('=', StringComparison.Ordinal) && option.ValueType != typeof(bool);
                continue;
            }

            if (value)
            {
                value = false;
                continue;
            }

            // A verb is a lowercase word right after the command; placeholders (KEY, FILE) and values are not checked.
            if (first && command.Subcommands.Count > 0 && LowercaseWord().IsMatch(token))
            {
                var sub = command.Subcommands.FirstOrDefault(c => c.Name == token);
                if (sub is null)
                {
                    yield return $"{CommandName(command)} has no verb {token}";
                    yield break;
                }

                inherited.AddRange(sub.Options.Where(o => o.Recursive));
                command = sub;
                continue;
            }

            first = false;
        }
    }

    private static IEnumerable<Option> Options(Command command, List<Option> inherited) =>
        command.Options.Concat(inherited).Concat(Descendants(command).SelectMany(c => c.Options));

    private static IEnumerable<Command> Descendants(Command command) =>
        command.Subcommands.SelectMany(c => Descendants(c).Prepend(c));

    private static string CommandName(Command command) => command is RootCommand ? "the executable" : command.Name;

    private static List<string> Tokens(string code) =>
        [.. code.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('[', ']', '"', '\'', '(', ')', ',', ';'))
            .Where(t => t.Length > 0)];

    /// <summary>The token as a path in the repository, or null when it does not look like one of ours.</summary>
    private static string? RepositoryPath(string token)
    {
        var path = token.TrimEnd('.', ',', ':', ')');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || path.Contains("://", StringComparison.Ordinal) || path.Contains('@', StringComparison.Ordinal) || !Known.Value.TopLevel.Contains(path[..slash]))
        {
            return null;
        }

        // Up to the first segment that is a pattern or a placeholder (docs/**/*.md, dist/<rid>/…, build outputs).
        var segments = path.Split('/');
        var kept = segments.TakeWhile(s => s.IndexOfAny(['*', '<', '{', '$', '…']) < 0 && s is not ("bin" or "obj")).ToList();
        return kept.Count == segments.Length || kept.Count > 1 ? string.Join('/', kept) : null;
    }

    private static bool Exists(string path)
    {
        // A test or type named by its path without the extension (tests/Hosts.Tests/Replay/ScenarioLibraryTests).
        var full = Path.Combine(Checkout.Root, path);
        return File.Exists(full) || Directory.Exists(full) || File.Exists(full + ".cs");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex Assignment();

    [GeneratedRegex("`(?<code>[^`]+)`")]
    private static partial Regex BacktickSpan();

    [GeneratedRegex(@"\bBLACKSMITH_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*[*<])")]
    private static partial Regex Variable();

    [GeneratedRegex("^[a-z][a-z-]*$")]
    private static partial Regex LowercaseWord();

    // Two letters at least: `--f v` in the docs is Go's flag syntax, not a flag.
    [GeneratedRegex("^(?<flag>--[a-z][a-z0-9]+(-[a-z0-9]+)*)(=.*)?$")]
    private static partial Regex Flag();

    /// <summary>What exists, read from the code.</summary>
    private sealed partial record Truth(Command Cli, Command Agent, HashSet<string> Flags, HashSet<string> Variables, HashSet<string> TopLevel)
    {
        public static Truth FromCode()
        {
            var cli = BlacksmithCommandLine.Create();
            var agent = new AgentCommandLine().Command;
            var code = Sources("src", "tests", "actions", "eng", ".ci");
            var tools = Sources("src", Path.Combine("tests", "Doubles"));

            var flags = new HashSet<string>(StringComparer.Ordinal);
            foreach (var option in new[] { cli, agent }.SelectMany(root => Descendants(root).Prepend(root)).SelectMany(c => c.Options))
            {
                flags.Add(option.Name);
                flags.UnionWith(option.Aliases);
            }

            // Flags the code passes to tools (buildx, buildkitd, mkfs …), and the flags the doubles of those tools declare.
            flags.UnionWith(tools.SelectMany(text => FlagLiteral().Matches(text).Select(m => m.Groups["flag"].Value)));
            flags.UnionWith(tools.SelectMany(text => DeclaredFlag().Matches(text).Select(m => "--" + m.Groups["name"].Value)));

            var variables = new HashSet<string>(code.SelectMany(text => VariableLiteral().Matches(text).Select(m => m.Value)), StringComparer.Ordinal);
            variables.UnionWith(ActionInputs.Setup.Concat(ActionInputs.Post).Concat(ActionInputs.Build).Select(input => GenericCiRuntime.InputVariable(input.Name)));

            var topLevel = new HashSet<string>(
                Directory.EnumerateDirectories(Checkout.Root).Select(Path.GetFileName).OfType<string>().Where(d => d is not (".git" or "bin" or "obj")),
                StringComparer.Ordinal);
            return new Truth(cli, agent, flags, variables, topLevel);
        }

        /// <summary>The text of every source file under <paramref name="folders"/>, but this test's (which names what does not exist).</summary>
        private static List<string> Sources(params string[] folders) =>
            [.. folders
                .Select(folder => Path.Combine(Checkout.Root, folder))
                .Where(Directory.Exists)
                .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
                .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && Path.GetFileName(file) != $"{nameof(DocsTruthTests)}.cs"
                    && Path.GetExtension(file) is ".cs" or ".js" or ".sh" or "" or ".yml")
                .Select(File.ReadAllText)];

        [GeneratedRegex("\"(?<flag>--[a-z][a-z0-9-]*)")]
        private static partial Regex FlagLiteral();

        // The doubles' FlagSet declarations: .Value("driver-opt"), .Bool("append").
        [GeneratedRegex("\\.(Value|Bool)\\(\"(?<name>[a-z][a-z0-9-]*)\"\\)")]
        private static partial Regex DeclaredFlag();

        [GeneratedRegex("BLACKSMITH_[A-Z0-9_]*[A-Z0-9]")]
        private static partial Regex VariableLiteral();
    }
}
