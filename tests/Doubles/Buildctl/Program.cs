// A stand-in for buildctl (protocols §3.3), talking to the buildkitd double:
//   buildctl [--addr ADDR] [--debug] debug workers
//   buildctl [--addr ADDR] [--debug] prune [--keep-storage MB] [--keep-duration D] [--all] [--filter F] [--verbose]
// The address (tcp://IP:PORT or unix:///path) defaults to BUILDKIT_HOST, then unix:///run/buildkit/buildkitd.sock.
// Output is what buildctl prints: tabwriter tables padded with tabs, "Total:" after a prune, and
// "error: ..." with exit code 1 when the daemon cannot be reached.
using Blacksmith.Doubles.Buildctl;

return await Cli.RunAsync(args);
