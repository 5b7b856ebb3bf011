namespace Blacksmith.Hosts.Tests.Actions;

/// <summary>
/// setup-docker-builder's entry files carry the launcher whole, so that node reads and compiles one file before the exec
/// instead of resolving, reading and compiling a second one (docs/benchmarks.md, "Launchers"). The launcher has one
/// source, actions/launcher/launch.js: each entry file's block between <see cref="Begin"/> and <see cref="End"/> must be
/// exactly that file without its last line, the <c>module.exports</c> the entry file replaces with its verb's
/// <c>exports.run</c>. With BLACKSMITH_UPDATE_GOLDEN=1 the test rewrites the block instead of failing.
/// </summary>
public sealed class LauncherSourceTests
{
    public const string Begin = "// BEGIN ../launcher/launch.js";
    public const string End = "// END ../launcher/launch.js";

    private const string UpdateVariable = "BLACKSMITH_UPDATE_GOLDEN";
    private const string Exports = "module.exports = { launch, run };";
    private const string HowToGenerate = $"{UpdateVariable}=1 dotnet test --project tests/Hosts.Tests -- --filter-class \"*{nameof(LauncherSourceTests)}\"";

    [Theory]
    [InlineData("main.js")]
    [InlineData("post.js")]
    public async Task Each_entry_file_carries_launch_js_as_it_is(string entry)
    {
        var ct = TestContext.Current.CancellationToken;
        var actions = Path.Combine(LauncherHarness.RepositoryRoot(), "actions");
        var source = Normalize(await File.ReadAllTextAsync(Path.Combine(actions, "launcher", "launch.js"), ct)).Split('\n');
        Assert.True(source[^1] == Exports, $"actions/launcher/launch.js must end with `{Exports}`, which the entry files leave out");
        var generated = source[..^1];

        var path = Path.Combine(actions, "setup-docker-builder", entry);
        var lines = Normalize(await File.ReadAllTextAsync(path, ct)).Split('\n').ToList();
        var start = lines.IndexOf(Begin);
        var end = start < 0 ? -1 : lines.IndexOf(End, start + 1);
        Assert.True(start >= 0 && end >= 0, $"{path} has no `{Begin}` ... `{End}` block; add the two lines, then run: {HowToGenerate}");

        var carried = lines[(start + 1)..end];
        if (carried.SequenceEqual(generated, StringComparer.Ordinal))
        {
            return;
        }

        var common = Math.Min(carried.Count, generated.Length);
        var firstDifference = Enumerable.Range(0, common).FirstOrDefault(i => carried[i] != generated[i], common);
        Assert.True(
            Environment.GetEnvironmentVariable(UpdateVariable) == "1",
            $"{path} carries a launcher that differs from actions/launcher/launch.js at its line {start + firstDifference + 2}: edit launch.js, "
            + $"never the copy, then run: {HowToGenerate}");
        lines.RemoveRange(start + 1, end - start - 1);
        lines.InsertRange(start + 1, generated);
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n", ct);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
}
