namespace Blacksmith.Cli.Verbs;

/// <summary>The build context a local run builds: small, and buildable offline (no base image to pull).</summary>
internal static class DemoContext
{
    public static string Write(string jobDirectory)
    {
        var context = Path.Combine(jobDirectory, "demo-context");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "hello.txt"), "built by blacksmith run\n");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        return context;
    }

    /// <summary>A Dockerfile that fails for sure, offline: it copies a file the context does not have.</summary>
    public static string FailingDockerfile(string context)
    {
        var path = Path.Combine(context, "Dockerfile.fail");
        File.WriteAllText(path, "FROM scratch\nCOPY missing-on-purpose.txt /\n");
        return path;
    }
}
