// -4/--ipv4-only and -6/--ipv6-only: the live probe connects to one address family only (a
// machine without IPv6 would otherwise end every IPv6 MX address `error`), and the report
// names the addresses it left out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { FIXTURE_ROOT_CA_FILE } from '../../src/testnet/mta/fixture-certs.ts';
import { startSmtpServerMta, type FixtureMta } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { MX1, MX2, MX2_V6, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
let mta: FixtureMta;
before(async () => {
  dns = await startTestDns();
  mta = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', localDomains: ['two.probe.example'] });
});
after(async () => { await mta.stop(); await dns.stop(); });

const args = (...extra: string[]) => [
  'two.probe.example', '--resolver', dns.address, '--only', 'smtp/reachable', '--format', 'json', '--no-relay',
  '--ca-file', FIXTURE_ROOT_CA_FILE, '--timeout', '3000', '--greeting-timeout', '3000',
  '--connect-to', route(MX1, mta), '--connect-to', route(MX2, mta), '--connect-to', route(MX2_V6, mta), ...extra,
];

type Report = { checks: Array<{ id: string; status: string; notes?: string[] }>; facts: { smtp: { value: { addresses: Array<{ address: string }>; notProbed?: Array<{ address: string }> } } } };

test('without a flag both families are probed', async () => {
  const r = await runBin(args());
  const report = JSON.parse(r.stdout) as Report;
  assertValidReport(report);
  assert.deepEqual(report.facts.smtp.value.addresses.map((a) => a.address).sort(), [MX1, MX2, MX2_V6].sort());
});

test('--ipv4-only probes the IPv4 addresses and names the IPv6 one it left out', async () => {
  const r = await runBin(args('--ipv4-only'));
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assertValidReport(report);
  assert.deepEqual(report.facts.smtp.value.addresses.map((a) => a.address).sort(), [MX1, MX2].sort());
  assert.deepEqual(report.facts.smtp.value.notProbed!.map((a) => a.address), [MX2_V6]);
  const reachable = report.checks.find((c) => c.id === 'smtp/reachable')!;
  assert.equal(reachable.status, 'pass');
  assert.ok(reachable.notes!.some((n) => n.includes(`Not probed (--ipv4-only): ${MX2_V6}`)));
});

test('-6 probes only the IPv6 address', async () => {
  const r = await runBin(args('-6'));
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(report.facts.smtp.value.addresses.map((a) => a.address), [MX2_V6]);
});

test('both flags at once are a usage error', async () => {
  const r = await runBin(args('-4', '-6'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot be combined/);
});
