// One probe scheduler and cache for the whole run, whatever the input source (issue 12, case 5):
// with --zone each target gets its own view of the environment, and the probes of an MX address
// shared by many targets must still run once, never two connections to one address at a time,
// and never more than --smtp-concurrency connections overall. Counted at the peers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../src/core/report-types.ts';
import { assertValidReport } from '../support/schema.ts';
import { startRawDns, response, type RawDnsServer } from './support/raw-dns.ts';
import { politeMta, startRawSmtp, type RawSmtpServer, type SharedCount } from './support/raw-smtp.ts';
import { assertCleanStderr, runCli } from './support/run.ts';

const ADDRESSES = ['192.0.2.61', '192.0.2.62', '192.0.2.63'];
const TARGETS = Array.from({ length: 12 }, (_, i) => `t${i}.shared.test`);
let dir: string;
let dns: RawDnsServer;
let mtas: RawSmtpServer[];
const overall: SharedCount = { open: 0, max: 0 };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtp-audit-sched-'));
  const zone = [
    '$ORIGIN shared.test.', '$TTL 300',
    '@ IN SOA ns.shared.test. hostmaster.shared.test. 1 3600 600 86400 300',
    ...TARGETS.map((t) => `${t.split('.')[0]} IN MX 10 mx1.shared.test.\n${t.split('.')[0]} IN MX 20 mx2.shared.test.`),
    `mx1 IN A ${ADDRESSES[0]}`, `mx1 IN A ${ADDRESSES[1]}`, `mx2 IN A ${ADDRESSES[2]}`,
  ].join('\n');
  writeFileSync(join(dir, 'shared.zone'), `${zone}\n`);
  // everything outside the zone: NXDOMAIN, at once
  dns = await startRawDns((query) => response(query, { rcode: 3 }));
  mtas = [];
  for (let i = 0; i < ADDRESSES.length; i++) {
    mtas.push(await startRawSmtp(politeMta(`mx${i}.shared.test`, 150), '127.0.0.1', overall));
  }
});
after(async () => {
  await dns.stop();
  for (const mta of mtas) await mta.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--zone with 12 targets sharing 3 MX addresses: one probe per address, one connection per address at a time, --smtp-concurrency overall', async () => {
  const run = await runCli([
    ...TARGETS, '--zone', join(dir, 'shared.zone'), '--resolver', dns.address, '--format', 'json',
    '--only', 'smtp,relay', '--concurrency', '12', '--smtp-concurrency', '2', '--timeout', '3000', '--greeting-timeout', '3000',
    ...ADDRESSES.flatMap((a, i) => ['--connect-to', `${a}:25=127.0.0.1:${mtas[i]!.port}`]),
  ], { timeoutMs: 90000 });
  assertCleanStderr(run.stderr, assert);
  const reports = JSON.parse(run.stdout) as Report[];
  assert.equal(reports.length, TARGETS.length);
  for (const report of reports) {
    assertValidReport(report);
    assert.equal(report.checks.find((c) => c.id === 'smtp/reachable')!.status, 'pass', JSON.stringify(report.checks.find((c) => c.id === 'smtp/reachable')));
  }
  for (const mta of mtas) assert.equal(mta.maxConcurrent, 1, 'never two connections to one address at a time');
  assert.ok(overall.max <= 2, `at most --smtp-concurrency (2) connections overall, saw ${overall.max}`);
  // one probe per address for the whole run: the connections of one probe (its main session and
  // the relay test's further sessions), not those of twelve
  const perAddress = mtas.map((m) => m.connections);
  const probes = reports.flatMap((r) => (r.facts.smtp as { value: { addresses: Array<{ address: string; startedAt: string; relay: { sessions: number } | null }> } }).value.addresses);
  for (const [i, address] of ADDRESSES.entries()) {
    const seen = probes.filter((p) => p.address === address);
    assert.equal(new Set(seen.map((p) => p.startedAt)).size, 1, `${address}: one probe, shared by every target`);
    assert.equal(perAddress[i], seen[0]!.relay?.sessions ?? 1, `${address}: the connections of that one probe`);
  }
});
