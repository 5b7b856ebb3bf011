// Main step of setup-docker-builder: `blacksmith setup`. The shared launcher (../launcher/launch.js)
// picks the binary, streams its output, forwards cancellation signals and returns its exit code.
'use strict';
const launcher = require('../launcher/launch.js');

// For tools that load this file as a module and call run() (GitHub's @github/local-action): resolves
// with the step's exit code and leaves the process to the tool.
exports.run = () => launcher.run('setup');

// The runner starts this file with node: the step then ends with the binary's exit code.
if (require.main === module) {
  launcher.launch('setup');
}
