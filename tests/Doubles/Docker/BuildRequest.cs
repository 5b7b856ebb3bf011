namespace Blacksmith.Doubles.Docker;

/// <summary>What a <c>docker buildx build</c> command line asks for, as far as the double acts on it.</summary>
internal sealed record BuildRequest(
    string Context,
    string DockerfilePath,
    bool IsRemoteContext,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> BuildArgs,
    bool Push,
    bool Load,
    bool Quiet,
    string? Target,
    string? ImageIdFile,
    string? MetadataFile)
{
    public static BuildRequest From(ParsedFlags flags)
    {
        var context = flags.Positionals[0];
        var remote = context == "-" || context.Contains("://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal);
        // -f is relative to the working directory, not to the context.
        var dockerfile = flags.Last("file") is { } file ? Path.GetFullPath(file) : Path.Combine(context, "Dockerfile");
        foreach (var secret in flags.All("secret"))
        {
            if (!secret.Split(',').Any(f => f.StartsWith("id=", StringComparison.Ordinal) || f.StartsWith("src=", StringComparison.Ordinal) || f.StartsWith("source=", StringComparison.Ordinal) || f.StartsWith("env=", StringComparison.Ordinal)))
            {
                throw new BuildxException($"failed to parse secret: {secret}: unexpected key");
            }
        }

        return new BuildRequest(
            context,
            dockerfile,
            remote,
            flags.All("tag"),
            [.. global::Blacksmith.Doubles.Docker.Platforms.ParseAll(flags.All("platform")).Select(p => p.ToString())],
            flags.All("output"),
            flags.All("build-arg"),
            flags.IsTrue("push"),
            flags.IsTrue("load"),
            flags.IsTrue("quiet"),
            flags.Last("target"),
            flags.Last("iidfile"),
            flags.Last("metadata-file"));
    }
}
