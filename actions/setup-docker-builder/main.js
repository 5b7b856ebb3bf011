// Main step of setup-docker-builder: `blacksmith setup`. The shared launcher (../launcher/launch.js)
// picks the binary, streams its output, forwards cancellation signals and returns its exit code.
'use strict';
require('../launcher/launch.js').launch('setup');
