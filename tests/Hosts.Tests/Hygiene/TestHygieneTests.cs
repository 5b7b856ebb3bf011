using System.Text.RegularExpressions;
using System.Xml.Linq;
using Blacksmith.Testing;

namespace Blacksmith.Hosts.Tests.Hygiene;

/// <summary>
/// Rules of the house that no compiler checks, read from the checkout: varied test data is reproducible, every package
/// version is one a project uses, virtual time is one clock, and the process doubles wait on what they wait for, never
/// on a fixed sleep.
/// </summary>
public sealed partial class TestHygieneTests
{
    [Fact]
    public void Every_Faker_in_the_tests_is_seeded()
    {
        // An unseeded Faker draws different data on every run, so a failure it finds cannot be replayed.
        var unseeded = SourceFiles("tests")
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (file, line: index + 1, text)))
            .Where(l => UnseededFaker().IsMatch(l.text))
            .Select(l => $"{Path.GetRelativePath(Checkout.Root, l.file)}:{l.line}: {l.text.Trim()}")
            .ToList();

        Assert.Empty(unseeded);
    }

    [Fact]
    public void Every_package_version_is_one_a_project_references()
    {
        var versions = XDocument.Load(Path.Combine(Checkout.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Select(e => (string)e.Attribute("Include")!);
        var referenced = new[] { "src", "tests", "samples" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Checkout.Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(Checkout.Root, "eng"), "*.props"))
            // Every test app's hang dump is referenced once, in tests/Directory.Build.props.
            .Concat(new[] { ".", "tests" }.Select(folder => Path.Combine(Checkout.Root, folder, "Directory.Build.props")).Where(File.Exists))
            .SelectMany(project => XDocument.Load(project).Descendants("PackageReference"))
            .Select(e => (string)e.Attribute("Include")!)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var unreferenced = versions.Where(v => !referenced.Contains(v)).ToList();

        Assert.Empty(unreferenced);
    }

    [Fact]
    public void Virtual_time_is_kept_by_one_clock()
    {
        // VirtualTime, replay's clock, serves every test too: stepped by hand (Advance) or moving itself whenever the code
        // only waits (VirtualTimeLoop). A second virtual clock would drift from it in what a timer due now or a period does.
        var clocks = new[] { "src", "tests", "samples" }
            .SelectMany(SourceFiles)
            .SelectMany(file => File.ReadLines(file).Select((text, index) => (file, line: index + 1, text)))
            .Where(l => OtherClock().IsMatch(l.text) && !l.text.Contains("class VirtualTime(", StringComparison.Ordinal)
                // The replay engine's clock keeps no time: it forwards every call to the bound scenario's VirtualTime.
                && !l.text.Contains("class ReplayClock :", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(Checkout.Root, l.file)}:{l.line}: {l.text.Trim()}")
            .ToList();

        Assert.Empty(clocks);
    }

    [Fact]
    public void No_process_double_waits_by_sleeping()
    {
        var sleeping = SourceFiles(Path.Combine("tests", "Doubles"))
            .Where(file => File.ReadAllText(file).Contains("Thread.Sleep(", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Checkout.Root, file))
            .ToList();

        Assert.Empty(sleeping);
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Checkout.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    // A TimeProvider of our own other than VirtualTime, or Microsoft.Extensions.TimeProvider.Testing's fake.
    [GeneratedRegex(@"class\s+\w+\b[^{;]*?:\s*TimeProvider\b(?!\.)|\bFake\w*TimeProvider\b|Microsoft\.Extensions\.Time\.Testing")]
    private static partial Regex OtherClock();

    // new Faker(), new Faker("de"), new Faker<T>() without UseSeed, or a Faker field or variable set to new().
    [GeneratedRegex("""new Faker(<[^>]+>)?\([^)]*\)(?!\s*\{\s*Random)(?!.*UseSeed)|Faker\s+\w+\s*=\s*new\(\)(?!\s*\{\s*Random)""")]
    private static partial Regex UnseededFaker();
}
