// Exit codes 0/1/2/3 (docs/contract.md), each through the real bin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());
const base = () => ['--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr'];

test('exit 0: every check passes', async () => {
  const r = await runBin(['clean.example', ...base(), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.deepEqual(report.checks.filter((c: { area: string }) => ['mx', 'ptr'].includes(c.area)).map((c: { status: string }) => c.status), ['pass', 'pass', 'pass', 'pass']);
});

test('exit 1: a failing check; --fail-on never turns it into 0', async () => {
  assert.equal((await runBin(['mx-bad.example', ...base()])).code, 1);
  assert.equal((await runBin(['mx-bad.example', ...base(), '--fail-on', 'never'])).code, 0);
});

test('--fail-on warn: a warning (implicit MX) exits 1, but 0 under the default', async () => {
  assert.equal((await runBin(['implicit-mx.example', ...base()])).code, 0);
  assert.equal((await runBin(['implicit-mx.example', ...base(), '--fail-on', 'warn'])).code, 1);
  assert.equal((await runBin(['null-mx.example', ...base(), '--fail-on', 'warn'])).code, 0, 'null MX is info, below warn');
  assert.equal((await runBin(['null-mx.example', ...base(), '--fail-on', 'info'])).code, 1);
});

test('exit 2: invalid domains, unknown check ids, bad flags, unreadable files; one line, nothing on stdout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-'));
  const out = join(dir, 'report.json');
  const cases: string[][] = [
    ['exa mple.com', ...base()],
    ['example..com', ...base()],
    ['example.com', '--only', 'mx/nope'],
    ['example.com', '--fail-on', 'sometimes'],
    ['example.com', '--format', 'yaml'],
    ['example.com', '--timeout', 'soon'],
    ['example.com', '--resolver', 'dns.google'],
    ['example.com', '--connect-to', 'nonsense'],
    ['--input', join(dir, 'missing.txt')],
    ['example.com', '--facts', join(dir, 'missing.json')],
    ['example.com', '--facts', join(dir, 'f.json'), '--resolver', '127.0.0.1'],
    ['example.com', '--output', join(dir, 'no-such-dir', 'r.json')],
    ['bad$name.example', ...base(), '--output', out],
    [],
  ];
  for (const args of cases) {
    const r = await runBin(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^smtp-audit: /);
  }
  assert.equal(existsSync(out), false, 'nothing half-written');
});

test('exit 3: an unreachable resolver makes every selected check error', async () => {
  const closed = dgram.createSocket('udp4');
  await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
  const port = closed.address().port;
  closed.close(); // now nothing listens there
  const r = await runBin(['clean.example', '--resolver', `127.0.0.1:${port}`, '--no-smtp', '--only', 'mx,ptr', '--format', 'json', '--timeout', '500']);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const selected = report.checks.filter((c: { status: string; skippedReason?: string }) => !(c.skippedReason ?? '').startsWith('not selected'));
  assert.equal(selected.length, 4);
  for (const check of selected) {
    assert.equal(check.status, 'error', check.id);
    assert.ok(check.error, check.id);
  }
});

test('exit 3 from a resolver that times out, with the timeout named', async () => {
  const r = await runBin(['mx-timeout.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx', '--format', 'json', '--timeout', '300', '--dns-tries', '1']);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout);
  const present = report.checks.find((c: { id: string }) => c.id === 'mx/present');
  assert.equal(present.status, 'error');
  assert.match(present.error, /ETIMEOUT/);
});

test('--input reads targets (comments ignored) and --output writes the whole report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-'));
  const input = join(dir, 'domains.txt');
  writeFileSync(input, '# my domains\nclean.example\n\nmx-bad.example  # broken one\n');
  const out = join(dir, 'out.json');
  const r = await runBin(['--input', input, ...base(), '--format', 'json', '--output', out]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const reports = JSON.parse((await import('node:fs')).readFileSync(out, 'utf8'));
  assertValidReport(reports);
  assert.deepEqual(reports.map((x: { domain: string }) => x.domain), ['clean.example', 'mx-bad.example']);
});

test('--help for every command has examples and exits 0', async () => {
  for (const args of [['--help'], ['audit', '--help'], ['checks', '--help'], ['demo', '--help']]) {
    const r = await runBin(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Examples:/, args.join(' '));
  }
});

test('a reader that closes the pipe early (smtp-audit checks | head -1) is not a crash', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('../support/run-bin.ts');
  const child = spawn('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" checks --format json | true`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  await new Promise((r) => child.on('close', r));
  assert.equal(stdout, "");
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});

test('stdout that cannot be written (a full disk behind a redirect) is one line and exit 2, not a stack trace', async (t) => {
  const { existsSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { BIN } = await import('../support/run-bin.ts');
  // /dev/full answers every write with ENOSPC: the device Linux has for exactly this test
  if (!existsSync('/dev/full')) { t.diagnostic('no /dev/full on this system'); return; }
  const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" checks --format json > /dev/full`], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'smtp-audit: cannot write to standard output: ENOSPC\n');
});
