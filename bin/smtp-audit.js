#!/usr/bin/env node
// The command's entry point. The Node.js version is checked before anything is imported:
// the CLI and its libraries need Node.js 22.19 or newer, and on an older Node they fail with
// a stack trace from deep inside a dependency. This file is deliberately plain JavaScript that
// old Node versions can parse, so they get one clear line and exit code 2 (a usage problem)
// instead of exit code 1, which CI would read as "a check failed".
var REQUIRED = [22, 19];
var found = String(process.versions.node).split('.').map(Number);
var tooOld = found[0] < REQUIRED[0] || (found[0] === REQUIRED[0] && found[1] < REQUIRED[1]);
if (tooOld) {
  process.stderr.write('smtp-audit: this is Node.js ' + process.versions.node + ' (' + process.execPath + '); smtp-audit needs Node.js '
    + REQUIRED.join('.') + ' or newer: install it from https://nodejs.org/en/download (or with a version manager: nvm install 24)\n');
  process.exitCode = 2;
} else {
  import('../dist/cli/main.js').catch(function (error) {
    // dist/ is built by `npm install` (the prepare script); a bare git checkout has none yet
    var missing = error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).indexOf('dist') >= 0;
    process.stderr.write('smtp-audit: ' + (missing
      ? 'the compiled program (dist/) is missing: run npm install (or npm run build) in ' + new URL('..', import.meta.url).pathname
      : 'internal error while starting: ' + (error && error.message)) + '\n');
    process.exitCode = 2;
  });
}
