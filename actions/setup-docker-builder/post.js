// Post step of setup-docker-builder: `blacksmith post` (drain, then commit or skip). See ../launcher/launch.js.
'use strict';
require('../launcher/launch.js').launch('post');
