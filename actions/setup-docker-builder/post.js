// Post step of setup-docker-builder: `blacksmith post` (drain, then commit or skip), by the launcher below.
// The launcher is actions/launcher/launch.js, carried whole between the BEGIN and END lines: generated, edit that file
// (LauncherSourceTests checks the copy; BLACKSMITH_UPDATE_GOLDEN=1 rewrites it).
// BEGIN ../launcher/launch.js
// Runs the native `blacksmith` executable for one step of a GitHub Action, as a JavaScript action's
// main or post script. Plain CommonJS, no npm dependencies: the runner starts it with its own node
// (node20 or node24) straight from the checked-out action repository, with no install step.
//
// One source, carried whole: node does not load this file. setup-docker-builder's main.js and post.js each
// carry it between their BEGIN and END lines, so that node reads and compiles one file before the exec
// instead of resolving, reading and compiling a second one (docs/benchmarks.md, "Launchers"). Edit this
// file, never a copy; LauncherSourceTests fails on a copy that differs, and with BLACKSMITH_UPDATE_GOLDEN=1
// rewrites the copies. The exec path is kept light for the same reason: one read of the binary's head,
// nothing required that node has not loaded for its own start.
//
// Why a launcher at all: the runner only knows how to start JavaScript, composite and container
// actions, and only a JavaScript action has a post step of its own and runs on the host (the engine
// mounts block devices and starts a host daemon). So a few lines of node pick the binary and hand
// over to it.
//
// Why exec: where node has process.execve (node 24; 22.15 and 23.11 on), launch() replaces this node
// process with the binary. The binary then is the process the runner started: the runner's SIGINT/SIGTERM
// on cancellation reach it directly, its exit code (or 128+n) is the step's without a relay, and no node
// sits beside it for the step's whole length. Before exec it makes sure the kernel will take the file
// (execve failing in node 24 aborts the process with a native stack trace instead of throwing), and it
// resets the two signals node ignores (SIGPIPE, SIGXFSZ) so the binary starts with the dispositions a
// spawned child gets. process.execve is experimental; its ExperimentalWarning is queued for node's next
// tick, which never comes once the exec has succeeded, so the step's log shows none.
//
// The fallback, for a node without process.execve (node 20) and for a file the checks above doubt: spawn
// asynchronously and forward SIGINT/SIGTERM, since the runner signals only its direct child (this node
// process) and the engine must see the signal to record the cancellation and stop buildx. A file that
// cannot start is then reported from the spawn's own error, as it always was.
//
// Contract (docs in actions/README.md):
//   - the binary is <repository>/dist/<rid>/blacksmith, <rid> from RUNNER_OS/RUNNER_ARCH;
//   - BLACKSMITH_BINARY, when set, is the path of an executable to run instead (a JIT build);
//   - the binary gets the verb as its only argument and this process's environment unchanged
//     (INPUT_*, STATE_*, GITHUB_*, RUNNER_*), and stdin/stdout/stderr as the runner gave them, so its
//     output and workflow commands stream live;
//   - the outcome is the binary's exit code, or 128+n when it died of signal n;
//   - every failure to start prints an ::error:: saying what went wrong and is exit code 1.
//
// Two ways in. The runner starts an entry file (main.js, post.js) with node: the entry file calls
// launch(), which execs (or spawns, and this process exits with the outcome). A tool that loads the
// entry file as a module and calls its exported run() (GitHub's @github/local-action) calls run() here
// instead: it always spawns, resolves with the outcome and never ends the process, which belongs to the
// tool; it also sets process.exitCode on a failure, as @actions/core's setFailed does, so the tool's
// process still ends with the step's failure.
'use strict';

// No node:os here: node has not loaded it for a user yet, and requiring it costs about 0.35 ms of node 24's 25 ms
// start, so the two places that need it (a message, the spawn path's signal numbers) require it themselves.
const fs = require('node:fs');
const path = require('node:path');

// The runner's RUNNER_OS/RUNNER_ARCH values (protocols §1.7) that have a published binary.
const RIDS = {
  'Linux/X64': 'linux-x64',
  'Linux/ARM64': 'linux-arm64',
};

// Outside a runner (a developer trying the launcher by hand) the same names come from node itself.
const NODE_OS = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const NODE_ARCH = { x64: 'X64', arm64: 'ARM64', ia32: 'X86', arm: 'ARM' };

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'];

// Node ignores these two (SIG_IGN), and an ignored signal stays ignored across exec. A signal with a
// handler goes back to its default action instead, so the exec path gives them handlers first.
const IGNORED_BY_NODE = ['SIGPIPE', 'SIGXFSZ'];

// The ELF e_machine of the architectures the binaries are built for, by node's process.arch.
const ELF_MACHINES = { x64: 0x3e, arm64: 0xb7 };
const PT_INTERP = 3;
const HEAD_SIZE = 1024;

// Workflow-command data escaping (protocols §1.4): '%' first, then CR and LF, so a multi-line
// reason stays one annotation and cannot start a command of its own.
function escapeData(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// A reason the binary cannot be started. Thrown, not exited on: run() must return to its caller.
class LaunchError extends Error {}

function fail(message) {
  throw new LaunchError(message);
}

function reportError(message) {
  process.stdout.write(`::error::${escapeData(message)}\n`);
}

function repositoryRoot() {
  // The entry file carrying this code is <repository>/actions/<action>/<stage>.js (and this source
  // <repository>/actions/launcher/launch.js): two levels below the repository either way.
  return path.resolve(__dirname, '..', '..');
}

function runtimeIdentifier(env) {
  const runnerOs = env.RUNNER_OS || NODE_OS[process.platform] || process.platform;
  const runnerArch = env.RUNNER_ARCH || NODE_ARCH[process.arch] || process.arch;
  const rid = RIDS[`${runnerOs}/${runnerArch}`];
  if (!rid) {
    fail(
      `Blacksmith runs on Linux X64 and Linux ARM64 runners only; this runner is ${runnerOs} ${runnerArch} ` +
        '(RUNNER_OS/RUNNER_ARCH). Run the job on a Linux x64 or arm64 runner.'
    );
  }
  return rid;
}

function resolveBinary(env) {
  const override = env.BLACKSMITH_BINARY;
  if (override) {
    // A path, never a command line: a JIT build's apphost (src/Hosts/Cli/bin/<config>/net10.0/blacksmith)
    // is an executable of its own, so no interpreter or extra arguments are needed.
    const binary = path.resolve(override);
    if (binary.endsWith('.dll')) {
      fail(
        `BLACKSMITH_BINARY points at ${binary}, a .NET assembly; point it at the executable next to it ` +
          `(${binary.slice(0, -'.dll'.length)}).`
      );
    }
    if (!fs.existsSync(binary)) {
      fail(`BLACKSMITH_BINARY is set to ${binary}, which does not exist.`);
    }
    return binary;
  }

  const rid = runtimeIdentifier(env);
  const binary = path.join(repositoryRoot(), 'dist', rid, 'blacksmith');
  if (!fs.existsSync(binary)) {
    fail(
      `The blacksmith binary for ${rid} is missing: expected ${binary}. ` +
        'A released ref of these actions carries it; in a checkout of the repository build it with ' +
        `eng/publish.sh ${rid} (or set BLACKSMITH_BINARY to the path of a build).`
    );
  }
  return binary;
}

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// The file's first KiB, read once for both checks below: an ELF header, and in the executables we build (and
// in /bin's) its program headers and the name of its program interpreter too, or a script's #! line. null if it
// cannot be read.
function readHead(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(HEAD_SIZE);
    return head.subarray(0, fs.readSync(fd, head, 0, HEAD_SIZE, 0));
  } catch {
    return null;
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

// size bytes of the file at offset: from its head when they are in it, else read from the file.
function bytesAt(file, head, offset, size) {
  if (offset + size <= head.length) {
    return head.subarray(offset, offset + size);
  }
  const bytes = Buffer.alloc(size);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, bytes, 0, size, offset);
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

function isElf(head) {
  return head.length >= 64 && head.readUInt32BE(0) === 0x7f454c46;
}

// 64-bit, little-endian, this machine's architecture: what the published binaries are.
function isElfForThisMachine(head) {
  return head[4] === 2 && head[5] === 1 && head.readUInt16LE(18) === ELF_MACHINES[process.arch];
}

// An ELF file built for another machine (or word size, or byte order), which the kernel refuses with ENOEXEC.
// Said here rather than left to spawn: libuv's execvp then hands the file to /bin/sh as a script, which
// fails with a syntax error and exit 2, not the step's one ::error:: line and 1. An unreadable file (head null)
// is left to spawn, which reports it.
function foreignExecutableReason(head) {
  if (head !== null && isElf(head) && !isElfForThisMachine(head)) {
    return `it is not a program for this machine, ${require('node:os').machine()} (ENOEXEC)`;
  }
  return null;
}

// Whether execve(2) will take the file. In node 24 a failed process.execve aborts the process (a native
// stack trace, exit 134) instead of throwing, so anything in doubt goes the spawn way, whose error names
// the reason. A script needs its interpreter; an ELF executable must be a 64-bit little-endian one for
// this machine whose program interpreter (the dynamic loader) exists. Anything else (a script without #!,
// which spawn runs with /bin/sh as it always did) is left to spawn.
function execWillStart(file, head) {
  if (head === null || !isExecutableFile(file)) {
    return false;
  }
  try {
    if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
      const interpreter = head.toString('latin1', 2).split('\n')[0].trim().split(/[ \t]/)[0];
      return interpreter !== '' && isExecutableFile(interpreter);
    }
    if (!isElf(head) || !isElfForThisMachine(head)) {
      return false;
    }
    const entrySize = head.readUInt16LE(0x36);
    const table = bytesAt(file, head, Number(head.readBigUInt64LE(0x20)), entrySize * head.readUInt16LE(0x38));
    for (let entry = 0; entry + entrySize <= table.length; entry += entrySize) {
      if (table.readUInt32LE(entry) === PT_INTERP) {
        const name = bytesAt(file, head, Number(table.readBigUInt64LE(entry + 0x08)), Number(table.readBigUInt64LE(entry + 0x20)));
        return isExecutableFile(name.toString('latin1').split('\0')[0]);
      }
    }
    // No program interpreter: a static executable.
    return true;
  } catch {
    return false;
  }
}

function exitCodeOf(code, signal) {
  if (code !== null) {
    return code;
  }
  const number = require('node:os').constants.signals[signal];
  return number ? 128 + number : 1;
}

// The binary to run and its head, or null after an ::error:: saying why there is none or why it cannot start.
function binaryOrReport(verb) {
  let binary;
  try {
    binary = resolveBinary(process.env);
  } catch (error) {
    if (!(error instanceof LaunchError)) {
      throw error;
    }
    reportError(error.message);
    return null;
  }
  const head = readHead(binary);
  const foreign = foreignExecutableReason(head);
  if (foreign !== null) {
    reportError(`Could not start ${binary} ${verb}: ${foreign}.`);
    return null;
  }
  return { binary, head };
}

/**
 * Runs `blacksmith <verb>` and resolves with its outcome: the exit code, 128+n for a signal, 1 when it could not be
 * started (after an ::error:: saying why). Never ends this process; rejects only on a bug of its own. A failure goes into
 * process.exitCode, so a tool that ignores the result still ends with it; success leaves an earlier failure alone.
 * @param {string} verb setup, build or post.
 * @returns {Promise<number>}
 */
function run(verb) {
  return new Promise((resolve) => {
    let child;
    let forwarders = [];
    let settled = false;

    const settle = (exitCode) => {
      if (settled) {
        return;
      }
      settled = true;
      for (const [name, forward] of forwarders) {
        process.removeListener(name, forward);
      }
      if (exitCode !== 0) {
        process.exitCode = exitCode;
      }
      resolve(exitCode);
    };

    const found = binaryOrReport(verb);
    if (found === null) {
      settle(1);
      return;
    }
    const { binary } = found;

    // Listeners go in before the spawn, so no signal can arrive between the child's start and its
    // forwarding. A listener also replaces node's default action (exit at once): we wait for the child.
    // Node runs them from the event loop, after `child` has been assigned.
    forwarders = FORWARDED_SIGNALS.map((signal) => {
      const forward = () => {
        // The child may already have exited (a race with its own shutdown): nothing to forward to then.
        try {
          child.kill(signal);
        } catch {
          // ignored on purpose, see above
        }
      };
      process.on(signal, forward);
      return [signal, forward];
    });

    // detached: the child leads its own process group, so a signal sent to our whole group (Ctrl-C in
    // a terminal) does not reach it twice, directly and forwarded; what it gets comes from us only.
    // The runner's cancellation still reaches it through the forwarding above, and its end-of-step
    // process-tree kill and end-of-job orphan cleanup do not depend on the group.
    // Required here, not at the top: node:child_process loads net and streams, a few ms of CPU the exec path
    // does not need.
    child = require('node:child_process').spawn(binary, [verb], { stdio: 'inherit', env: process.env, detached: true });

    // A spawn failure (EACCES, ENOEXEC, ENOENT) comes as 'error' without 'exit'; one after a start may
    // come with it: whichever is first decides, and settle() ignores the other.
    child.on('error', (error) => {
      reportError(`Could not start ${binary} ${verb}: ${error.message}`);
      settle(1);
    });

    child.on('exit', (code, signal) => {
      settle(exitCodeOf(code, signal));
    });
  });
}

// Replaces this process with `binary verb`; returns only if node threw instead (a node whose execve throws
// on failure rather than aborting), after reporting it and ending the process with 1.
function exec(binary, verb) {
  for (const signal of IGNORED_BY_NODE) {
    process.on(signal, () => {});
  }
  try {
    // argv[0] is the binary's path, as spawn gives it.
    process.execve(binary, [binary, verb], process.env);
  } catch (error) {
    const reason = error.code && !String(error.message).includes(error.code) ? `${error.message} (${error.code})` : error.message;
    reportError(`Could not start ${binary} ${verb}: ${reason}`);
    // Exits before node's next tick, so the queued ExperimentalWarning is never printed.
    process.exit(1);
  }
}

/**
 * The runner's way in: runs `blacksmith <verb>` as this very process where node can exec (the binary's exit
 * code is then the step's by construction), else spawns it and ends this process with its outcome.
 * @param {string} verb setup, build or post.
 */
function launch(verb) {
  if (typeof process.execve === 'function') {
    const found = binaryOrReport(verb);
    if (found === null) {
      process.exit(1);
    }
    if (execWillStart(found.binary, found.head)) {
      exec(found.binary, verb);
    }
  }
  run(verb).then((exitCode) => process.exit(exitCode));
}

// END ../launcher/launch.js

// For tools that load this file and call run(), such as @github/local-action: resolves with the exit code.
exports.run = () => run('post');

// Started by the runner: the step ends with the binary's exit code.
if (require.main === module) {
  launch('post');
}
