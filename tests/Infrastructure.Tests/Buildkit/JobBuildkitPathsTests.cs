using System.Globalization;
using System.Text;
using Blacksmith.Infrastructure.Buildkit;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Buildkit;

/// <summary>Each job's own BuildKit root and address: distinct for distinct job directories, with no hash to clash.</summary>
public sealed class JobBuildkitPathsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void The_roots_live_in_var_lib_as_root_and_in_the_users_runtime_directory_otherwise()
    {
        Assert.Equal("/var/lib/blacksmith/roots", JobBuildkitPaths.RootsDirectory(_ => null, isRoot: true));
        Assert.Equal("/run/user/1000/blacksmith/roots", JobBuildkitPaths.RootsDirectory(Env(("XDG_RUNTIME_DIR", "/run/user/1000")), isRoot: false));
        // A relative runtime directory is no directory of this user's: the temp directory, named by the uid, is.
        var fallback = JobBuildkitPaths.RootsDirectory(Env(("XDG_RUNTIME_DIR", "run/user")), isRoot: false);
        Assert.Matches($"^{Regex(Path.GetTempPath())}blacksmith-[0-9]+/roots$", fallback);
        Assert.Equal("/var/lib/blacksmith/sockets", JobBuildkitPaths.SocketsDirectory("/var/lib/blacksmith/roots"));
    }

    [Fact]
    public void A_root_is_named_by_the_job_directorys_whole_path_percent_encoded()
    {
        var root = JobBuildkitPaths.Root("/var/lib/blacksmith/roots", "/home/runner/work/_temp/blacksmith/4211-build-1", out var problem);

        Assert.Null(problem);
        Assert.Equal("/var/lib/blacksmith/roots/%2Fhome%2Frunner%2Fwork%2F_temp%2Fblacksmith%2F4211-build-1", root);
        Assert.Equal("%2Ftmp%2Fa%25b%20c%2F%C3%A9", JobBuildkitPaths.RootName("/tmp/a%b c/é"));
    }

    [Fact]
    public void Distinct_job_directories_get_distinct_root_names_and_each_name_decodes_to_its_directory()
    {
        // Paths built from the characters most likely to collide once encoded: separators, escapes, dots, non-ASCII.
        var faker = new Faker { Random = new Randomizer(11) };
        var alphabet = new[] { "/", "%", "%2F", "2F", ".", "..", "_", "-", " ", "a", "é", "Z9" };
        var paths = Enumerable.Range(0, 2000)
            .Select(_ => "/" + string.Concat(Enumerable.Range(0, faker.Random.Int(1, 8)).Select(_ => faker.PickRandom(alphabet))))
            .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var names = paths.Select(JobBuildkitPaths.RootName).ToList();

        Assert.Equal(paths.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[A-Za-z0-9._%-]+$", n));
        Assert.All(names, n => Assert.NotEqual(".", n));
        Assert.Equal(paths, names.Select(Decode));
    }

    [Fact]
    public void A_name_of_255_bytes_is_taken_and_one_byte_more_is_refused_with_its_length()
    {
        // "/tmp/" encodes to "%2Ftmp%2F", nine bytes.
        var longest = JobBuildkitPaths.Root("/var/lib/blacksmith/roots", "/tmp/" + new string('j', 246), out var fits);
        var root = JobBuildkitPaths.Root("/var/lib/blacksmith/roots", "/tmp/" + new string('j', 247), out var problem);

        Assert.Null(fits);
        Assert.Equal(255, Path.GetFileName(longest)!.Length);
        Assert.Null(root);
        Assert.Contains("too long", problem, StringComparison.Ordinal);
        Assert.Contains("256 bytes encoded, at most 255", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_is_a_socket_in_the_job_directory_when_its_path_fits()
    {
        var jobDirectory = Directory.CreateDirectory(_temp.Sub("job")).FullName;

        var address = JobBuildkitPaths.Address(jobDirectory, "/var/lib/blacksmith/sockets", out var problem);

        Assert.Null(problem);
        Assert.Equal($"unix://{jobDirectory}/buildkitd.sock", address);
    }

    [Fact]
    public void A_job_directory_too_long_for_a_socket_gets_one_named_by_its_device_and_inode()
    {
        var jobDirectory = Directory.CreateDirectory(_temp.Sub(new string('x', 100))).FullName;
        var sibling = Directory.CreateDirectory(_temp.Sub(new string('y', 100))).FullName;
        var sockets = _temp.Sub("sockets");

        var address = JobBuildkitPaths.Address(jobDirectory, sockets, out var problem);
        var other = JobBuildkitPaths.Address(sibling, sockets, out _);

        Assert.Null(problem);
        Assert.Matches($"^unix://{Regex(sockets)}/[0-9]+\\.[0-9]+-[0-9]+\\.sock$", address);
        Assert.NotEqual(address, other);
        // The same directory always gets the same socket: setup and a later check agree.
        Assert.Equal(address, JobBuildkitPaths.Address(jobDirectory, sockets, out _));
    }

    [Fact]
    public void A_job_directory_whose_path_needs_escaping_in_a_url_gets_a_socket_by_device_and_inode()
    {
        var jobDirectory = Directory.CreateDirectory(_temp.Sub("a%20b c")).FullName;

        var address = JobBuildkitPaths.Address(jobDirectory, _temp.Sub("sockets"), out var problem);

        Assert.Null(problem);
        Assert.DoesNotContain("%", address, StringComparison.Ordinal);
        Assert.DoesNotContain(" ", address, StringComparison.Ordinal);
    }

    [Fact]
    public void No_usable_socket_path_is_a_problem_naming_both_candidates()
    {
        var jobDirectory = Directory.CreateDirectory(_temp.Sub(new string('x', 100))).FullName;
        var sockets = "/" + new string('s', 100);

        Assert.Null(JobBuildkitPaths.Address(jobDirectory, sockets, out var problem));
        Assert.Contains($"{jobDirectory}/buildkitd.sock", problem, StringComparison.Ordinal);
        Assert.Contains(sockets, problem, StringComparison.Ordinal);
        Assert.Contains("104 bytes", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:1234", true)]
    [InlineData("unix:///run/buildkit/buildkitd.sock", true)]
    [InlineData("unix://buildkitd.sock", false)]
    [InlineData("tcp://127.0.0.1", false)]
    [InlineData("/run/buildkit/buildkitd.sock", false)]
    [InlineData("http://127.0.0.1:1234", false)]
    public void Supported_addresses_are_tcp_with_a_port_and_unix_with_an_absolute_path(string address, bool supported)
    {
        Assert.Equal(supported, JobBuildkitPaths.IsSupportedAddress(address));
    }

    public void Dispose() => _temp.Dispose();

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static string Decode(string name)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '%')
            {
                bytes.Add(byte.Parse(name.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add((byte)name[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
