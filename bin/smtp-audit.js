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
  capYoungGenerationForBulkRuns();
  import('../dist/cli/main.js').catch(function (error) {
    // dist/ is built by `npm install` (the prepare script); a bare git checkout has none yet
    var missing = error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).indexOf('dist') >= 0;
    process.stderr.write('smtp-audit: ' + (missing
      ? 'the compiled program (dist/) is missing: run npm install (or npm run build) in ' + new URL('..', import.meta.url).pathname
      : 'internal error while starting: ' + (error && error.message)) + '\n');
    process.exitCode = 2;
  });
}

// A run over a list of targets (--input, --facts) or a zone file (--zone) allocates fast, and V8
// answers that by growing its young generation to some 100 MB, all of it resident: over 10,000
// domains the peak was 299 MB, 215 MB with --max-semi-space-size=16 (MiB), at the same speed
// (README "Bulk audits"). V8 sizes the young generation when it starts, so the flag cannot be
// set from inside (v8.setFlagsFromString changed nothing, measured); the process replaces itself
// with the same command plus the flag (execve: same PID, same open files and standard streams,
// nothing has been read or written yet). Skipped where Node has no process.execve (before 22.15,
// Windows) and when the user chose a size (in NODE_OPTIONS or node's own arguments).
function capYoungGenerationForBulkRuns() {
  var FLAG = '--max-semi-space-size';
  var bulk = process.argv.slice(2).some(function (a) {
    return a === '--input' || a === '--facts' || a === '--zone' || /^--(input|facts|zone)=/.test(a);
  });
  if (!bulk || typeof process.execve !== 'function' || process.platform === 'win32') return;
  var chosen = process.execArgv.concat(String(process.env.NODE_OPTIONS || '').split(/\s+/)).some(function (a) {
    return a.indexOf(FLAG) === 0 || a.indexOf('--max_semi_space_size') === 0;
  });
  if (chosen) return;
  try {
    process.execve(process.execPath, [process.execPath].concat(process.execArgv, [FLAG + '=16'], process.argv.slice(1)), process.env);
  } catch (error) {
    // not allowed here (a sandbox): the run goes on with V8's own sizing
  }
}
