// A stand-in for buildkitd that honours the parts of its contract the engine relies on (protocols §3.4):
//   buildkitd [--config FILE] [--root DIR] [--addr tcp://HOST:PORT|unix:///path]... [--debug] [--allow-insecure-entitlement E]...
// * reads root, grpc.address and grpc.uid/gid from the TOML config; flags win over the file;
// * takes <root>/buildkitd.lock with flock and refuses to start when another daemon holds it;
// * listens on the TCP address or unix socket (replacing a stale socket file, 0660, owned by grpc.uid/gid), which
//   the buildctl and docker doubles talk to (see DoubleProtocol.cs);
// * the first SIGTERM or SIGINT stops it gracefully: stop listening, release and remove the lock, exit 0.
// Faults, comma-separated in BLACKSMITH_DOUBLE_FAULT:
//   slow-start:<ms>    wait that long after taking the lock before listening
//   crash-bbolt        print a Go panic from bbolt naming <root>/history.db to stderr and exit 2
//   workers-late:<ms>  list no worker until that long after listening
//   never-ready        never list a worker
//   ignore-sigterm     log SIGTERM/SIGINT and carry on (only SIGKILL stops it)
using System.Runtime.Versioning;
using Blacksmith.Doubles.Buildkitd;

[assembly: SupportedOSPlatform("linux")]

return await Daemon.RunAsync(args);
