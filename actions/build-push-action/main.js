// Main step of build-push-action: `blacksmith build`. See ../launcher/launch.js.
'use strict';
require('../launcher/launch.js').launch('build');
