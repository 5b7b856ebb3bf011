// Post step of setup-docker-builder: `blacksmith post` (drain, then commit or skip). See ../launcher/launch.js.
'use strict';
const launcher = require('../launcher/launch.js');

// For tools that load this file and call run(), such as @github/local-action: resolves with the exit code.
exports.run = () => launcher.run('post');

// Started by the runner: the step ends with the binary's exit code.
if (require.main === module) {
  launcher.launch('post');
}
