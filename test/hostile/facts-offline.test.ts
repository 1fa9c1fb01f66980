// `--facts` judges saved facts with no network at all (issue 12, case 4): no resolver or socket
// is made (a preload ends the process on the first socket), an entry without facts is a usage
// error instead of a live audit, and a malformed entry is one line, exit 2, never a stack trace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../src/core/report-types.ts';
import { assertValidReport } from '../support/schema.ts';
import { assertCleanStderr, runCli } from './support/run.ts';

const NO_SOCKETS = fileURLToPath(new URL('./support/no-sockets.ts', import.meta.url));
let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'smtp-audit-facts-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const mxFacts = {
  ok: true, ms: 1,
  value: { domain: 'saved.example', kind: 'mx', mx: { outcome: 'ok', values: [{ priority: 10, exchange: 'mx.saved.example' }] }, hosts: [{ name: 'mx.saved.example', priority: 10, ipLiteral: false, a: { outcome: 'ok', values: ['192.0.2.1'] }, aaaa: { outcome: 'nodata', values: [] } }] },
};

function factsFile(name: string, audits: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, tool: { name: 'smtp-audit', version: '0' }, savedAt: '2026-01-01T00:00:00Z', audits }));
  return file;
}

test('saved facts are judged with no socket at all, even where a check\'s facts are missing', async () => {
  const file = factsFile('good.json', [{ target: 'saved.example', facts: { mx: mxFacts } }]);
  const run = await runCli(['--facts', file, '--format', 'json', '--only', 'mx,spf'], { preload: [NO_SOCKETS] });
  assert.doesNotMatch(run.stderr, /no-sockets guard/);
  assertCleanStderr(run.stderr, assert);
  const report = JSON.parse(run.stdout) as Report;
  assertValidReport(report);
  assert.equal(report.checks.find((c) => c.id === 'mx/present')!.status, 'pass');
  assert.match(report.checks.find((c) => c.id === 'spf/present')!.error ?? '', /saved facts have no spf data/);
  assert.equal(run.code, 3);
});

test('an entry without "facts" is a usage error, not a live audit', async () => {
  const file = factsFile('no-facts.json', [{ target: 'saved.example', facts: { mx: mxFacts } }, { target: 'live.example' }]);
  const run = await runCli(['--facts', file, '--format', 'json'], { preload: [NO_SOCKETS] });
  assert.equal(run.code, 2, run.stderr);
  assert.doesNotMatch(run.stderr, /no-sockets guard/);
  assert.match(run.stderr, /^smtp-audit: --facts .*audits\[1\] \(live\.example\) has no "facts" object/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  assert.equal(run.stdout, '');
});

test('"target": null, a number, a bad name or a malformed slot: one line, exit 2', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ target: null, facts: {} }, /audits\[0\]: "target" must be a domain name or IP address/],
    [{ target: 42, facts: {} }, /audits\[0\]: "target" must be/],
    [{ target: 'not a domain', facts: {} }, /audits\[0\]: "target": "not a domain" is not a domain name/],
    [null, /audits\[0\] must be an object/],
    [{ target: 'saved.example', facts: { mx: { ok: 'yes' } } }, /facts "mx" must be/],
  ];
  for (const [entry, expected] of cases) {
    const run = await runCli(['--facts', factsFile('bad.json', [entry]), '--format', 'json'], { preload: [NO_SOCKETS] });
    assert.equal(run.code, 2, `${JSON.stringify(entry)}: ${run.stderr}`);
    assertCleanStderr(run.stderr, assert);
    assert.match(run.stderr, expected);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});
