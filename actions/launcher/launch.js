// Runs the native `blacksmith` executable for one step of a GitHub Action, as a JavaScript action's
// main or post script. Plain CommonJS, no npm dependencies: the runner starts this file with its own
// node (node20 or node24) straight from the checked-out action repository, with no install step.
//
// Why a launcher at all: the runner only knows how to start JavaScript, composite and container
// actions, and only a JavaScript action has a post step of its own and runs on the host (the engine
// mounts block devices and starts a host daemon). So a few lines of node pick the binary and hand
// over to it. Unlike the usual `execFileSync` shim, this one spawns asynchronously and forwards
// SIGINT/SIGTERM: the runner signals only its direct child (this node process) when a step is
// cancelled, and the engine must see the signal to record the cancellation and stop buildx.
//
// Contract (docs in actions/README.md):
//   - the binary is <repository>/dist/<rid>/blacksmith, <rid> from RUNNER_OS/RUNNER_ARCH;
//   - BLACKSMITH_BINARY, when set, is the path of an executable to run instead (a JIT build);
//   - the child gets the verb as its only argument and this process's environment unchanged
//     (INPUT_*, STATE_*, GITHUB_*, RUNNER_*), and inherits stdin/stdout/stderr, so its output and
//     workflow commands stream live;
//   - the outcome is the child's exit code, or 128+n when the child died of signal n;
//   - every failure to start prints an ::error:: saying what went wrong and is exit code 1.
//
// Two ways in. The runner starts an entry file (main.js, post.js) with node: the entry file calls
// launch(), and this process exits with the outcome. A tool that loads the entry file as a module
// and calls its exported run() (GitHub's @github/local-action) calls run() here instead: it resolves
// with the outcome and never ends the process, which belongs to the tool; it also sets
// process.exitCode on a failure, as @actions/core's setFailed does, so the tool's process still ends
// with the step's failure.
'use strict';

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
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
  // This file is <repository>/actions/launcher/launch.js.
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

function exitCodeOf(code, signal) {
  if (code !== null) {
    return code;
  }
  const number = os.constants.signals[signal];
  return number ? 128 + number : 1;
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

    const binary = (() => {
      try {
        return resolveBinary(process.env);
      } catch (error) {
        if (!(error instanceof LaunchError)) {
          throw error;
        }
        reportError(error.message);
        return null;
      }
    })();
    if (binary === null) {
      settle(1);
      return;
    }

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
    child = childProcess.spawn(binary, [verb], { stdio: 'inherit', env: process.env, detached: true });

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

/**
 * The runner's way in: runs `blacksmith <verb>` and ends this process with its outcome.
 * @param {string} verb setup, build or post.
 */
function launch(verb) {
  run(verb).then((exitCode) => process.exit(exitCode));
}

module.exports = { launch, run };
