using System.Diagnostics;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// <c>docker buildx build [OPTIONS] PATH | URL | -</c> with the flags build-push-action passes (protocols §3.1): checks
/// the builder answers, shows plain progress for the Dockerfile's steps on stderr, and writes the iidfile, the
/// metadata file and the build's local state as buildx does (§2.6, §2.7). Nothing is really built.
/// </summary>
internal static class BuildCommand
{
    private const string Usage = "docker buildx build [OPTIONS] PATH | URL | -";
    private static readonly string[] ProgressModes = ["auto", "plain", "tty", "quiet", "rawjson", "none"];

    public static async Task<int> RunAsync(BuildxContext context, string[] args)
    {
        var flags = new FlagSet("docker buildx build")
            .Value("add-host").Value("allow").Value("annotation").Value("build-arg").Value("build-context")
            .Value("cache-from").Value("cache-to").Value("cgroup-parent").Value("file", 'f').Value("iidfile")
            .Value("label").Value("network").Value("no-cache-filter").Value("output", 'o').Value("platform")
            .Value("policy").Value("secret").Value("shm-size").Value("ssh").Value("tag", 't').Value("target")
            .Value("ulimit").Value("resource").Value("attest").Value("sbom").Value("provenance").Value("call")
            .Value("metadata-file").Value("progress")
            .Bool("load").Bool("push").Bool("quiet", 'q').Bool("no-cache").Bool("pull").Bool("check");
        var parsed = flags.Parse(args);
        flags.RequireExactly(parsed, 1, Usage);
        var request = BuildRequest.From(parsed);
        var progressMode = parsed.Last("progress") ?? (Environment.GetEnvironmentVariable("BUILDKIT_PROGRESS") is { Length: > 0 } mode ? mode : "auto");
        if (!ProgressModes.Contains(progressMode))
        {
            throw new BuildxException($"invalid progress mode \"{progressMode}\"");
        }

        Builder builder;
        using (context.Store.Lock())
        {
            builder = Builder.Resolve(context.Store, context.BuilderName(parsed));
        }

        var progress = new PlainProgress(quiet: request.Quiet || progressMode is "quiet" or "none" or "rawjson");
        using var interrupted = Signals.CancelOnInterrupt();
        progress.Description($"building with \"{builder.Name}\" instance using {builder.Driver} driver");
        var nodes = await Drivers.LoadNodesAsync(builder, context.Store, interrupted.Token);
        if (builder.Driver == Drivers.Remote && !nodes[0].IsRunning)
        {
            // The real remote driver first waits up to 20 s for the daemon; the double fails at once with what it saw.
            var (_, error) = await RemoteDaemon.WorkersAsync(nodes[0].Node.Endpoint, interrupted.Token);
            throw new BuildxException($"failed to build: Unavailable: {error}");
        }

        if (await Bootstrap.BootAsync(builder, context.Store, progress, interrupted.Token))
        {
            nodes = await Drivers.LoadNodesAsync(builder, context.Store, interrupted.Token);
        }

        if (request.Outputs.Count == 0 && builder.Driver != Drivers.Docker && !request.Push && !request.Load)
        {
            await Console.Error.WriteLineAsync(
                $"WARNING: No output specified with {builder.Driver} driver. Build result will only remain in the build cache. To push result image into registry use --push or to load image into docker use --load");
        }

        var dockerfile = ReadDockerfile(request, progress);
        var run = new BuildRun(context, builder, nodes[0], request, dockerfile, progress);
        try
        {
            await run.StepsAsync(interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.Token.IsCancellationRequested)
        {
            progress.Canceled();
            // grpc Canceled: buildx exits 130.
            throw new BuildxException("failed to build: failed to solve: Canceled: context canceled", 130);
        }

        run.WriteResults();
        return 0;
    }

    private static Dockerfile ReadDockerfile(BuildRequest request, PlainProgress progress)
    {
        if (request.IsRemoteContext)
        {
            return Dockerfile.Remote;
        }

        if (!Directory.Exists(request.Context))
        {
            throw new BuildxException($"unable to prepare context: path \"{request.Context}\" not found");
        }

        var path = request.DockerfilePath;
        progress.Start($"[internal] load build definition from {Path.GetFileName(path)}");
        if (!File.Exists(path))
        {
            progress.Log("transferring dockerfile: 2B done");
            progress.Done();
            throw new BuildxException($"failed to build: failed to solve: failed to read dockerfile: open {Path.GetFileName(path)}: no such file or directory");
        }

        var dockerfile = Dockerfile.Read(path);
        progress.Log($"transferring dockerfile: {dockerfile.Size}B done");
        progress.Done();
        return dockerfile;
    }

    /// <summary>One build: its steps, then what it writes.</summary>
    private sealed class BuildRun(BuildxContext context, Builder builder, NodeInfo node, BuildRequest request, Dockerfile dockerfile, PlainProgress progress)
    {
        private readonly BuildResult _result = BuildResult.For(builder, node, request, dockerfile);

        public async Task StepsAsync(CancellationToken cancellationToken)
        {
            foreach (var image in dockerfile.BaseImages())
            {
                progress.Start($"[internal] load metadata for {image}");
                progress.Done();
            }

            progress.Start("[internal] load .dockerignore");
            progress.Log("transferring context: 2B done");
            progress.Done();
            if (!request.IsRemoteContext)
            {
                progress.Start("[internal] load build context");
                progress.Log("transferring context: 1.02kB done");
                progress.Done();
            }

            var steps = dockerfile.Instructions
                .SkipWhile(i => !i.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase))
                .Where(i => !i.StartsWith("ARG ", StringComparison.OrdinalIgnoreCase))
                .ToList();
            // The step a fault hits: the last RUN, as that is where builds usually fail and spend their time.
            var critical = steps.FindLastIndex(s => s.StartsWith("RUN ", StringComparison.OrdinalIgnoreCase));
            if (critical < 0)
            {
                steps.Add("RUN true");
                critical = steps.Count - 1;
            }

            for (var i = 0; i < steps.Count; i++)
            {
                progress.Start($"[{i + 1}/{steps.Count}] {steps[i]}");
                if (i == critical)
                {
                    await CriticalStepAsync(steps[i], $"[{i + 1}/{steps.Count}] {steps[i]}", cancellationToken);
                }

                progress.Done();
            }

            Export();
            if (context.Faults.BuildWarning)
            {
                progress.Raw($"\n 1 warning found (use docker --debug to expand):\n - {BuildResult.WarningText}\n");
            }
        }

        public void WriteResults()
        {
            if (request.ImageIdFile is { } iidfile)
            {
                Files.WritePublic(iidfile, _result.ImageId, "writing image ID file");
            }

            if (request.MetadataFile is { } metadata)
            {
                var json = context.Faults.BadMetadata
                    ? "{\n  \"buildx.build.ref\": \"" + _result.Reference[..(_result.Reference.Length / 2)]
                    : _result.MetadataJson(context.Faults.BuildWarning);
                Files.WriteAtomically(metadata, json);
            }

            using (context.Store.Lock())
            {
                context.Store.SaveRef(builder.Name, node.Node.Name, _result.ReferenceId, new LocalState
                {
                    LocalPath = request.IsRemoteContext ? request.Context : Path.GetFullPath(request.Context),
                    DockerfilePath = request.IsRemoteContext ? string.Empty : Path.GetFullPath(request.DockerfilePath),
                    Target = request.Target ?? string.Empty,
                });
                context.Store.UpdateActivity(builder.Name);
            }

            if (request.Quiet)
            {
                Console.Out.WriteLine(_result.ImageId);
            }
        }

        private async Task CriticalStepAsync(string step, string vertex, CancellationToken cancellationToken)
        {
            var command = step[4..].Trim();
            if (context.Faults.BuildWait is { } wait)
            {
                progress.Log("0.100 waiting (BLACKSMITH_DOCKER_DOUBLE_FAULT=build-slow)");
                await Task.Delay(wait, cancellationToken);
            }

            if (context.Faults.BuildDies)
            {
                progress.Log("0.100 dying (BLACKSMITH_DOCKER_DOUBLE_FAULT=build-die)");
                // As if the OOM killer took buildx: no error line, no files.
                Process.GetCurrentProcess().Kill();
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            }

            if (context.Faults.BuildFails)
            {
                var failure = $"process \"/bin/sh -c {command}\" did not complete successfully: exit code: 1";
                progress.Log("0.100 failing (BLACKSMITH_DOCKER_DOUBLE_FAULT=build-fail)");
                progress.Error(failure);
                progress.Raw($"------\n > {vertex}:\n0.100 failing (BLACKSMITH_DOCKER_DOUBLE_FAULT=build-fail)\n------\n");
                throw new BuildxException($"failed to build: failed to solve: {failure}");
            }
        }

        private void Export()
        {
            if (!_result.ExportsImage)
            {
                return;
            }

            progress.Start("exporting to image");
            progress.Log("exporting layers done");
            progress.Log($"exporting manifest {_result.ManifestDigest} done");
            progress.Log($"exporting config {_result.ConfigDigest} done");
            foreach (var name in _result.ImageNames)
            {
                progress.Log($"naming to {name} done");
            }

            if (request.Push)
            {
                progress.Log("pushing layers 0.1s done");
                foreach (var name in _result.ImageNames)
                {
                    progress.Log($"pushing manifest for {name}@{_result.ManifestDigest} 0.1s done");
                }
            }

            progress.Done();
        }
    }
}
