// A stand-in for the docker CLI with the buildx plugin (protocols §2.6, §2.7, §2.9, §2.10, §3.1, §3.2). It shadows the
// machine's docker on PATH and knows only `docker [--config DIR] [-D] buildx ...`:
//   buildx version | create | use | inspect | ls | rm | build (alias b), with --builder / BUILDX_BUILDER.
// The builder store is buildx's own layout under BUILDX_CONFIG, else $DOCKER_CONFIG/buildx, else ~/.docker/buildx:
// instances/<name> (JSON), current, activity/<name>, refs/<builder>/<node>/<ref>. The docker context's own builder,
// `default` (driver docker), always exists. A remote builder is "running" while its tcp:// endpoint answers the
// buildkitd double (DoubleProtocol.cs); a docker-container builder is simulated and "running" once booted.
// Errors are buildx's: "ERROR: <message>" on stderr and exit 1; flag errors exit 125. docs/processes.md has the details.
// Faults, comma-separated in BLACKSMITH_DOCKER_DOUBLE_FAULT:
//   no-buildx[:old]     `docker buildx ...` fails as a docker without the plugin (old: the pre-24 message)
//   version:<text>      `buildx version` prints <text>
//   create-fail         `buildx create` fails as when the docker daemon is unreachable
//   create-hang         `buildx create` never finishes (until killed)
//   bad-inspect         `buildx inspect` prints something that is not inspect output
//   build-fail          the build's last RUN step fails (exit 1, ERROR line)
//   build-die           the process kills itself (SIGKILL) in the middle of the build
//   build-slow[:<ms>]   the build waits that long, or until SIGINT/SIGTERM, which cancel it (exit 130)
//   build-warning       the build reports one build-check warning
//   bad-metadata        the build writes a truncated --metadata-file
using System.Runtime.Versioning;
using Blacksmith.Doubles.Docker;

[assembly: SupportedOSPlatform("linux")]

return await Cli.RunAsync(args);
