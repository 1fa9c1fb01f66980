// The MX/PTR conditions of mx-bad.example in each format, through the real bin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());
const args = () => ['mx-bad.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr'];

type Check = { id: string; status: string; findings: Array<{ code: string; subject: string; severity: string }>; error: string | null };

function findingsOf(report: { checks: Check[] }, id: string): Array<[string, string]> {
  return report.checks.find((c) => c.id === id)!.findings.map((f) => [f.subject, f.code]);
}

test('json: each MX/PTR condition with the right check id, status and subject', async () => {
  const r = await runBin([...args(), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const status = (id: string) => report.checks.find((c: Check) => c.id === id).status;
  assert.equal(status('mx/present'), 'pass');
  assert.equal(status('mx/targets'), 'fail');
  assert.deepEqual(findingsOf(report, 'mx/targets'), [
    ['alias.mx-bad.example', 'mx/targets.cname'],
    ['missing.mx-bad.example', 'mx/targets.target-not-found'],
    ['noaddr.mx-bad.example', 'mx/targets.no-address'],
    ['192.0.2.99', 'mx/targets.ip-literal'],
    ['private.mx-bad.example', 'mx/targets.unroutable'],
  ]);
  assert.equal(status('ptr/present'), 'fail');
  assert.deepEqual(findingsOf(report, 'ptr/present'), [['192.0.2.22', 'ptr/present.missing'], ['10.1.2.3', 'ptr/present.missing']]);
  assert.equal(status('ptr/forward-confirmed'), 'warn');
  assert.deepEqual(findingsOf(report, 'ptr/forward-confirmed'), [['192.0.2.23', 'ptr/forward-confirmed.mismatch']]);
  // the IPv6 address of v6.mx-bad.example was checked too, and confirmed
  const ptrFacts = report.facts.ptr.value.addresses.map((a: { address: string }) => a.address);
  assert.ok(ptrFacts.includes('2001:db8::25'));
  assert.equal(report.target.kind, 'domain');
});

test('ndjson: one valid report per line per domain', async () => {
  const r = await runBin(['clean.example', ...args(), '--format', 'ndjson']);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  const domains = lines.map((l) => { const rep = JSON.parse(l); assertValidReport(rep); return rep.domain; }).sort();
  assert.deepEqual(domains, ['clean.example', 'mx-bad.example']);
});

test('table: the verdict and grade first, then the failing checks with what is wrong and what to do; no ANSI when piped', async () => {
  const r = await runBin([...args()], { env: { COLUMNS: '' } });
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stdout, /\x1b/);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], '✖ mx-bad.example: FAIL · grade F (44/100)');
  assert.equal(lines[1], '  2 failing · 1 warning · 1 passing · 33 not selected');
  assert.match(r.stdout, /^Failing \(2\)\n {2}✖ fail {4}Some MX targets are unusable \[mx\/targets\]\n {4}✖ alias\.mx-bad\.example: The MX target alias\.mx-bad\.example is an alias\n/m);
  assert.match(r.stdout, /^ {6}fix: Point the MX record directly at ok\.mx-bad\.example\.$/m);
  assert.match(r.stdout, /^Warnings \(1\)\n {2}⚠ warn {4}Some PTR names do not resolve back to their address\n/m);
  assert.match(r.stdout, /^Passing \(1\)\n {2}✔ MX: present$/m, 'passing checks folded into one line per area');
  assert.match(r.stdout, /^area {15}score {3}pass {2}info {2}warn {2}fail error$/m, 'the summary table has no borders');
  assert.doesNotMatch(r.stdout, /[┌├└┼]/);
});

test('table: a broken domain ends with its failing checks by name and the top fixes by impact', async () => {
  const r = await runBin([...args()], { env: { COLUMNS: '' } });
  const tail = r.stdout.trimEnd().split('\n').slice(-12).join('\n');
  assert.match(tail, /^Failing \(2\): mx\/targets, ptr\/present$/m);
  assert.match(tail, /^Fix first \(the 3 changes that raise the score most\):$/m);
  assert.match(tail, /^ {2}1\. mx\/targets: Point the MX record directly at ok\.mx-bad\.example\./m);
  assert.match(tail, /^ {2}2\. ptr\/present: Ask whoever owns 192\.0\.2\.22/m);
  assert.match(tail, /^ {2}3\. ptr\/forward-confirmed: Publish "somewhere-else\.mx-bad\.example\. IN A$/m);
});

test('table: each piece of evidence is shown once, and notes of passing checks only with --verbose', async () => {
  const plain = await runBin([...args()], { env: { COLUMNS: '200' } });
  assert.doesNotMatch(plain.stdout, /MX records?: /, 'the note of the passing mx/present is folded away');
  const verbose = await runBin([...args(), '--verbose'], { env: { COLUMNS: '200' } });
  assert.match(verbose.stdout, /✔ pass {4}The domain publishes MX records \[mx\/present\]\n {4}\d MX records: /);
  assert.match(verbose.stdout, /reference: RFC 5321 section 5\.1/);
});

test('colour only when asked for: FORCE_COLOR gives ANSI, NO_COLOR and --no-color win', async () => {
  const forced = await runBin([...args()], { env: { FORCE_COLOR: '1' } });
  assert.match(forced.stdout, /\x1b\[/);
  const noColor = await runBin([...args()], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  assert.doesNotMatch(noColor.stdout, /\x1b/);
  const flag = await runBin([...args(), '--no-color'], { env: { FORCE_COLOR: '1' } });
  assert.doesNotMatch(flag.stdout, /\x1b/);
});

test('control characters in DNS data do not reach the table output', async () => {
  const r = await runBin(['ctl.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx']);
  assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.match(r.stdout, /\\x1b\[31m/, 'the escape is shown, defused');
});

test('--save-facts then --facts replays the same verdicts with no DNS at all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-'));
  const file = join(dir, 'facts.json');
  const first = await runBin([...args(), '--format', 'json', '--save-facts', file]);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.schemaVersion, 1);
  const replay = await runBin(['--facts', file, '--format', 'json', '--only', 'mx,ptr']);
  assert.equal(replay.code, first.code);
  const a = JSON.parse(first.stdout);
  const b = JSON.parse(replay.stdout);
  assert.deepEqual(b.checks, a.checks);
});

test('IDN input is audited under its A-label', async () => {
  const r = await runBin(['bücher.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx', '--format', 'json']);
  const report = JSON.parse(r.stdout);
  assert.equal(report.domain, 'xn--bcher-kva.example');
  assert.equal(report.checks.find((c: Check) => c.id === 'mx/present').status, 'pass');
});

test('checks lists every implemented check, as a table and as JSON', async () => {
  const json = await runBin(['checks', '--format', 'json']);
  assert.equal(json.code, 0);
  const ids = JSON.parse(json.stdout).map((c: { id: string }) => c.id);
  for (const id of ['mx/present', 'mx/targets', 'ptr/present', 'ptr/forward-confirmed']) assert.ok(ids.includes(id), id);
  for (const c of JSON.parse(json.stdout)) assert.match(c.reference, /RFC \d+|draft-[a-z0-9-]+/, c.id);
  const table = await runBin(['checks']);
  assert.match(table.stdout, /mx\/present/);
});

test('--verbose logs every DNS query to stderr, not stdout', async () => {
  const r = await runBin([...args(), '--verbose', '--format', 'json']);
  assert.match(r.stderr, /^dns MX +mx-bad\.example -> NOERROR 9 records \d+ms \(127\.0\.0\.1:\d+ udp\)$/m);
  assert.match(r.stderr, /^dns PTR +22\.2\.0\.192\.in-addr\.arpa -> NXDOMAIN ENOTFOUND/m);
  JSON.parse(r.stdout); // stdout stays pure JSON
});

test('--fail-on never means never fail: an incomplete run exits 0, not 3', async () => {
  const timeout = ['mx-timeout.example', '--resolver', dns.address, '--no-smtp', '--only', 'mx', '--timeout', '300', '--dns-tries', '1'];
  assert.equal((await runBin(timeout)).code, 3);
  const never = await runBin([...timeout, '--fail-on', 'never']);
  assert.equal(never.code, 0, never.stderr);
  assert.match(never.stdout, /^\? mx-timeout\.example: INCOMPLETE · score withheld: not enough was determined$/m);
});
