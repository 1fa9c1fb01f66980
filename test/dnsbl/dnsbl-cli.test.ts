// The blocklist checks through the real bin: --dnsbl, --no-default-dnsbls, exit codes, the
// table lines, and usage errors. The shipped lists are always switched off here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const base = (...lists: string[]) => [
  ...lists.flatMap((l) => ['--dnsbl', l]), '--no-default-dnsbls', '--no-smtp', '--only', 'dnsbl',
  '--resolver', dns.address, '--timeout', '1000', '--dns-tries', '1',
];

type Check = { id: string; status: string; findings: Array<{ code: string; subject: string }>; error: string | null; notes?: string[] };
const check = (report: { checks: Check[] }, id: string) => report.checks.find((c) => c.id === id)!;

test('json: listed on both lists -> exit 1, both checks fail, the report validates', async () => {
  const r = await runBin(['dnsbl-listed.example', ...base('ip.dnsbl.example', 'domain.dnsbl.example:domain'), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.equal(check(report, 'dnsbl/ip').status, 'fail');
  assert.deepEqual(check(report, 'dnsbl/ip').findings.map((f) => [f.subject, f.code]), [['192.0.2.200', 'dnsbl/ip.listed']]);
  assert.equal(check(report, 'dnsbl/domain').status, 'fail');
  assert.equal(report.facts.dnsbl.value.answers.length, 3);
});

test('exit 0 when clean; exit 3 when the only list refuses (and nothing is reported as listed)', async () => {
  const clean = await runBin(['dnsbl-clean.example', ...base('ip.dnsbl.example', 'domain.dnsbl.example:domain'), '--format', 'json']);
  assert.equal(clean.code, 0, clean.stderr);
  const cleanReport = JSON.parse(clean.stdout);
  assertValidReport(cleanReport);
  assert.deepEqual([check(cleanReport, 'dnsbl/ip').status, check(cleanReport, 'dnsbl/domain').status], ['pass', 'pass']);

  const refused = await runBin(['dnsbl-listed.example', ...base('refusing.dnsbl.example'), '--format', 'json']);
  assert.equal(refused.code, 3, refused.stderr);
  const report = JSON.parse(refused.stdout);
  assertValidReport(report);
  assert.equal(check(report, 'dnsbl/ip').status, 'error');
  assert.deepEqual(check(report, 'dnsbl/ip').findings, []);
  assert.match(check(report, 'dnsbl/ip').error!, /127\.255\.255\.254/);
});

test('exit 3 for a list that times out, and for a resolver that rewrites NXDOMAIN', async () => {
  for (const list of ['timeout.dnsbl.example', 'rewriting.dnsbl.example', 'broken.dnsbl.example']) {
    const r = await runBin(['dnsbl-listed.example', ...base(list), '--format', 'json']);
    assert.equal(r.code, 3, `${list}: ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assertValidReport(report);
    assert.equal(check(report, 'dnsbl/ip').status, 'error', list);
    assert.deepEqual(check(report, 'dnsbl/ip').findings, [], list);
  }
});

test('table: one line per listed or erroring list, and the count of lists checked and clean', async () => {
  const r = await runBin(['dnsbl-listed.example', ...base('ip.dnsbl.example', 'refusing.dnsbl.example', 'timeout.dnsbl.example'), '--no-color'], { env: { COLUMNS: '400' } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^Failing \(1\)$/m);
  assert.match(r.stdout, /✖ 192\.0\.2\.200: 192\.0\.2\.200 \(mx\.dnsbl-listed\.example\) is listed on ip\.dnsbl\.example: /);
  assert.match(r.stdout, /fix: Find and stop what got 192\.0\.2\.200 listed/);
  assert.match(r.stdout, /Checked 3 IP blocklists for 192\.0\.2\.200, 2001:db8::200: 0 clean, 1 listing, 2 could not be checked\./);
  assert.match(r.stdout, /^ +Could not check refusing\.dnsbl\.example: it refused the queries for its test points/m);
  assert.match(r.stdout, /^ +Could not check timeout\.dnsbl\.example: its test points 127\.0\.0\.2 and 127\.0\.0\.1 could not be looked up \(ETIMEOUT/m);
  assert.doesNotMatch(r.stdout, /\x1b/);
});

test('an IP target and --ip go through the same lists', async () => {
  const r = await runBin(['192.0.2.200', ...base('ip.dnsbl.example'), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.equal(check(report, 'dnsbl/ip').status, 'fail');
  assert.equal(check(report, 'dnsbl/domain').status, 'skipped');
  const withIp = await runBin(['dnsbl-clean.example', ...base('ip.dnsbl.example'), '--ip', '192.0.2.200', '--format', 'json']);
  assert.equal(withIp.code, 1, withIp.stderr);
  assert.deepEqual(check(JSON.parse(withIp.stdout), 'dnsbl/ip').findings.map((f) => f.subject), ['192.0.2.200']);
});

test('a bad --dnsbl is a usage error (exit 2, one line)', async () => {
  for (const spec of ['not a zone', 'ip.dnsbl.example:url', 'localhost', 'combined.mail.abusix.zone']) {
    const r = await runBin(['dnsbl-clean.example', '--dnsbl', spec, '--no-smtp', '--resolver', dns.address]);
    assert.equal(r.code, 2, `${spec}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^smtp-audit: --dnsbl /);
  }
  const key = await runBin(['dnsbl-clean.example', '--dnsbl', 'combined.mail.abusix.zone']);
  assert.match(key.stderr, /subscriber key/);
});

test('--help documents --dnsbl and --no-default-dnsbls; `checks` lists both check ids', async () => {
  const help = await runBin(['audit', '--help']);
  assert.match(help.stdout, /--dnsbl <zone\[:ip\|domain\]>/);
  assert.match(help.stdout, /--no-default-dnsbls/);
  const checks = await runBin(['checks']);
  assert.match(checks.stdout, /dnsbl\/ip/);
  assert.match(checks.stdout, /dnsbl\/domain/);
});

test('no shipped blocklist zone was asked', async () => {
  const { loadShippedBlocklists } = await import('../../src/dnsbl/dnsbl-list.ts');
  const zones = loadShippedBlocklists().map((l) => l.zone);
  assert.deepEqual(dns.queries.filter((q) => zones.some((z) => q.name === z || q.name.endsWith(`.${z}`))), []);
});
