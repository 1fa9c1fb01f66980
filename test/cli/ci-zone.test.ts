// --zone: audit a DNS change before it is published, against the same fixture DNS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { assertValidSarif } from '../report/sarif-schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-zone-'));
// The fix for mx-bad.example: one MX, at a host name with a public address (whose PTR exists in the fixture DNS).
const fixed = join(dir, 'mx-bad.example.zone');
writeFileSync(fixed, `; the corrected zone, not yet published
$ORIGIN mx-bad.example.
$TTL 300
@    IN MX 10 ok.mx-bad.example.
ok   IN A  192.0.2.21
`);
// A change that breaks a clean domain: its MX target loses its address.
const broken = join(dir, 'clean.zone');
writeFileSync(broken, `$ORIGIN clean.example.
@    IN MX 10 mx.clean.example.
mx   IN TXT "address removed"
`);

type Check = { id: string; status: string; fromZoneFile?: boolean; notes?: string[] };
const args = (domain: string) => [domain, '--resolver', dns.address, '--no-smtp', '--only', 'mx,ptr'];
const status = (report: { checks: Check[] }, id: string) => report.checks.find((c) => c.id === id)!.status;

test('a zone file that fixes the failing MX records turns mx/targets green against the same DNS', async () => {
  const published = await runBin([...args('mx-bad.example'), '--format', 'json']);
  assert.equal(published.code, 1, published.stderr);
  assert.equal(status(JSON.parse(published.stdout), 'mx/targets'), 'fail');

  const r = await runBin([...args('mx-bad.example'), '--format', 'json', '--zone', fixed]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.equal(status(report, 'mx/targets'), 'pass');
  assert.equal(status(report, 'mx/present'), 'pass');
  assert.equal(status(report, 'ptr/present'), 'pass', 'the PTR of 192.0.2.21 still comes from DNS');
  assert.deepEqual(report.zoneFiles, [{ file: fixed, origin: 'mx-bad.example' }]);
  assert.deepEqual(report.zoneFileNames, ['mx-bad.example', 'ok.mx-bad.example']);
  const targets = report.checks.find((c: Check) => c.id === 'mx/targets');
  assert.equal(targets.fromZoneFile, true);
  assert.match(targets.notes.join('\n'), /Judged with records from the zone file .*mx-bad\.example\.zone \(mx-bad\.example\)/);
  assert.equal(report.facts.mx.value.mx.fromZoneFile, true);
  assert.equal(report.facts.ptr.value.addresses[0].ptr.fromZoneFile, undefined, 'the PTR answer came from DNS');
});

test('the table and the markdown say the audit used the zone file', async () => {
  const table = await runBin([...args('mx-bad.example'), '--zone', fixed], { env: { COLUMNS: '200' } });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Audited with zone file .*mx-bad\.example\.zone \(mx-bad\.example\): 2 names answered from it \(mx-bad\.example, ok\.mx-bad\.example\)/);
  const md = await runBin([...args('mx-bad.example'), '--zone', fixed, '--format', 'markdown']);
  assert.match(md.stdout, /> \*\*Audited with zone file .*mx-bad\.example\.zone \(mx-bad\.example\)\*\*/);
});

test('a zone file can break a clean domain too: NODATA from the file wins over the published A record', async () => {
  const r = await runBin([...args('clean.example'), '--format', 'json', '--zone', `clean.example=${broken}`]);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(status(report, 'mx/targets'), 'fail');
  assert.deepEqual(report.checks.find((c: { id: string }) => c.id === 'mx/targets').findings.map((f: { code: string }) => f.code), ['mx/targets.no-address']);
});

test('SARIF: a finding judged from the zone file points at the file and the line of the record, valid for GitHub', async () => {
  const r = await runBin([...args('clean.example'), '--format', 'sarif', '--zone', `clean.example=${broken}`], { cwd: dir, env: { GITHUB_WORKSPACE: dir, GITHUB_WORKFLOW_REF: '' } });
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assertValidSarif(log);
  const result = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'mx/targets');
  assert.deepEqual(result.locations[0].physicalLocation, { artifactLocation: { uri: 'clean.zone' }, region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 30 } });
  for (const other of log.runs[0].results) assert.ok(other.locations[0].physicalLocation.artifactLocation.uri, other.ruleId);
});

test('bad zone input is a usage error: unreadable, unparsable, combined with --facts, two for one origin', async () => {
  const bad = join(dir, 'bad.zone');
  writeFileSync(bad, '$ORIGIN mx-bad.example.\n@ IN MX ten ok\n');
  const cases: Array<[string[], RegExp]> = [
    [['--zone', join(dir, 'missing.zone')], /--zone .*missing\.zone: cannot read it \(ENOENT\)/],
    [['--zone', bad], /--zone .*bad\.zone:2: MX priority 'ten'/],
    [['--zone', fixed, '--zone', fixed], /both for mx-bad\.example/],
  ];
  for (const [extra, message] of cases) {
    const r = await runBin([...args('mx-bad.example'), ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  const replay = await runBin(['mx-bad.example', '--facts', join(dir, 'facts.json'), '--zone', fixed]);
  assert.equal(replay.code, 2);
});

test('--verbose logs the questions the zone file answered', async () => {
  const r = await runBin([...args('mx-bad.example'), '--zone', fixed, '--verbose', '--format', 'json']);
  assert.match(r.stderr, /^dns MX +mx-bad\.example -> NOERROR 1 record 0ms \(zone file .*mx-bad\.example\.zone\)$/m);
  assert.match(r.stderr, /^dns PTR +21\.2\.0\.192\.in-addr\.arpa -> NOERROR 1 record \d+ms \(127\.0\.0\.1:\d+ udp\)$/m);
});

test('SPF: a zone file replacing a "+all" policy with "-all" turns spf/all-qualifier green', async () => {
  const spf = join(dir, 'plus.zone');
  writeFileSync(spf, '$ORIGIN plus.spf-policy.example.\n@ IN TXT "v=spf1 ip4:192.0.2.1 -all"\n');
  const spfArgs = ['plus.spf-policy.example', '--resolver', dns.address, '--no-smtp', '--only', 'spf', '--format', 'json'];
  const published = await runBin(spfArgs);
  assert.equal(published.code, 1, published.stderr);
  assert.equal(status(JSON.parse(published.stdout), 'spf/all-qualifier'), 'fail');
  const r = await runBin([...spfArgs, '--zone', spf]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  assert.equal(status(report, 'spf/all-qualifier'), 'pass');
  assert.equal(report.checks.find((c: Check) => c.id === 'spf/all-qualifier').fromZoneFile, true);
  assert.deepEqual(report.zoneFileNames, ['plus.spf-policy.example']);
});

test('--save-facts keeps the zone-file marks, so a --facts replay still says which checks used the file', async () => {
  const facts = join(dir, 'facts.json');
  const first = await runBin([...args('mx-bad.example'), '--zone', fixed, '--save-facts', facts, '--format', 'json']);
  assert.equal(first.code, 0, first.stderr);
  const replay = await runBin(['--facts', facts, '--only', 'mx,ptr', '--format', 'json']);
  assert.equal(replay.code, 0, replay.stderr);
  const report = JSON.parse(replay.stdout);
  assertValidReport(report);
  const targets = report.checks.find((c: Check) => c.id === 'mx/targets');
  assert.equal(targets.fromZoneFile, true);
  assert.match(targets.notes.join('\n'), /came from a zone file when these facts were gathered/);
});
