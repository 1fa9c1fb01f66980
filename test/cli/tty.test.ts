// On a terminal: colours on stdout, the progress spinner on stderr, and no hang when the
// terminal reports no size (a pty nobody sized, as some CI runners give). Uses util-linux
// `script` to run the real bin under a pseudo-terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from '../support/run-bin.ts';

const GUARD = fileURLToPath(new URL('../support/guard.ts', import.meta.url));

function underPty(shellCommand: string): { status: number | null; output: string } {
  const result = spawnSync('script', ['-qec', shellCommand, '/dev/null'], {
    encoding: 'utf8', timeout: 20000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: `--import ${GUARD}`, NO_COLOR: '', FORCE_COLOR: '' },
  });
  return { status: result.status, output: result.stdout };
}

const demo = `"${process.execPath}" "${BIN}" demo --only mx`;

test('a sized terminal gets colours and the spinner', () => {
  const r = underPty(`stty cols 100 rows 40; ${demo}`);
  assert.equal(r.status, 0);
  assert.match(r.output, /\x1b\[32m/, 'green pass symbols');
  assert.match(r.output, /auditing 4 targets/, 'the spinner text');
  assert.match(r.output, /smtp-audit .* good\.example/);
});

test('a terminal that reports no width does not hang the run (no spinner there)', () => {
  const r = underPty(`stty cols 0 rows 0; ${demo}`);
  assert.equal(r.status, 0, 'finished before the 20 s timeout');
  assert.doesNotMatch(r.output, /auditing 4 targets/);
  assert.match(r.output, /smtp-audit .* implicit\.example/);
});
