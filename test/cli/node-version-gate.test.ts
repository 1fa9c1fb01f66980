// Under a Node.js older than 22.19, every command prints one line (the version found, the
// version needed, how to get it) and exits 2, instead of a stack trace from a dependency and
// exit 1. Run with a real older Node binary (test/support/old-node.ts); `.ci/run` guarantees
// one and sets SMTP_AUDIT_REQUIRE_OLD_NODE so that CI cannot pass without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../support/run-bin.ts';
import { findOldNode } from '../support/old-node.ts';

const ONE_LINE = /^smtp-audit: this is Node\.js (\d+\.\d+\.\d+) \(.+\); smtp-audit needs Node\.js 22\.19 or newer: install it from https:\/\/nodejs\.org\/en\/download \(or with a version manager: nvm install 24\)\n$/;

function runWith(node: string, args: string[], preload?: string) {
  return spawnSync(node, [...(preload ? ['--import', preload] : []), BIN, ...args], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '' } });
}

const old = findOldNode();

test(`an older Node binary gets one line and exit code 2 (${old ? `Node ${old.version} at ${old.path}` : 'no older Node on this machine'})`, (t) => {
  if (!old) {
    assert.ok(!process.env.SMTP_AUDIT_REQUIRE_OLD_NODE, 'SMTP_AUDIT_REQUIRE_OLD_NODE is set but no Node older than 22 was found (set SMTP_AUDIT_OLD_NODE)');
    t.diagnostic('no Node older than 22 found on PATH or in SMTP_AUDIT_OLD_NODE: the next test checks the gate with a simulated version instead');
    return;
  }
  for (const args of [['--version'], ['example.com'], ['demo'], ['send', '--help']]) {
    const result = runWith(old.path, args);
    assert.equal(result.status, 2, `${args.join(' ')}: exit ${result.status}, stderr ${result.stderr}`);
    assert.equal(result.stdout, '');
    const match = ONE_LINE.exec(result.stderr);
    assert.ok(match, `one line expected, got: ${result.stderr}`);
    assert.equal(match[1], old.version);
  }
});

test('the gate compares major and minor: 22.18 is refused, 22.19 and 23.0 pass it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-gate-'));
  try {
    for (const [version, refused] of [['22.18.0', true], ['20.19.5', true], ['22.19.0', false], ['23.0.0', false]] as const) {
      // the version this process reports is replaced before the bin runs, as an older Node would report it
      const preload = join(dir, `v${version}.mjs`);
      writeFileSync(preload, `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });\n`);
      const result = runWith(process.execPath, ['--version'], preload);
      if (refused) {
        assert.equal(result.status, 2, `${version}: ${result.stderr}`);
        assert.match(result.stderr, new RegExp(`^smtp-audit: this is Node\\.js ${version.replace(/\./g, '\\.')} `));
        assert.equal(result.stderr.split('\n').length, 2, 'one line');
      } else {
        assert.equal(result.status, 0, `${version}: ${result.stderr}`);
        assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
