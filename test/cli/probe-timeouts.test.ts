// A run where every MX connection times out is incomplete (exit 3) with the port-25 hint, never
// a failure verdict. Real bin, real sockets on loopback:
// - connect timeouts: every MX address is sent (--connect-to) to a port whose listener is a
//   stopped process with a full accept queue, so SYNs are dropped and connects hang, as behind
//   a firewall that drops port 25 (see test/probe/blackhole.ts);
// - greeting timeouts: a server that accepts and never writes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startRawMta, type RawMta } from '../../src/testnet/mta/raw-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { startBlackhole, type Blackhole } from '../probe/blackhole.ts';
import { MX1, MX2, MX2_V6, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
let hole: Blackhole;
let silent: RawMta;
before(async () => {
  dns = await startTestDns();
  hole = await startBlackhole();
  silent = await startRawMta({ behaviour: 'silent' });
});
after(async () => { await hole.stop(); await silent.stop(); await dns.stop(); });

const base = () => ['--resolver', dns.address, '--only', 'smtp,tls,relay', '--ehlo', 'probe.smtp-audit.invalid'];

test('every connection times out: exit 3, the port-25 hint, and no check fails', async () => {
  const args = ['two.probe.example', ...base(), '--timeout', '400',
    '--connect-to', route(MX1, hole), '--connect-to', route(MX2, hole), '--connect-to', route(MX2_V6, hole)];
  const table = await runBin([...args, '--no-color']);
  assert.equal(table.code, 3, table.stderr);
  assert.match(table.stdout, /outbound port 25 is probably blocked from this network/);
  assert.match(table.stdout, /Run the audit from a host allowed to connect to port 25/);

  const json = await runBin([...args, '--format', 'json']);
  assert.equal(json.code, 3);
  const report = JSON.parse(json.stdout);
  assertValidReport(report);
  const probeChecks = report.checks.filter((c: { area: string }) => ['smtp', 'tls', 'relay'].includes(c.area));
  assert.ok(probeChecks.length === 7);
  assert.ok(probeChecks.every((c: { status: string }) => c.status === 'error'), JSON.stringify(probeChecks.map((c: { id: string; status: string }) => [c.id, c.status])));
  const reachable = report.checks.find((c: { id: string }) => c.id === 'smtp/reachable');
  assert.equal(reachable.findings[0].code, 'smtp/reachable.port-blocked');
  const addresses = report.facts.smtp.value.addresses;
  assert.deepEqual(addresses.map((a: { outcome: string }) => a.outcome), ['connect-timeout', 'connect-timeout', 'connect-timeout']);
  assert.equal(addresses[0].error.code, 'ETIMEDOUT');
});

test('every server accepts but never greets: exit 3 with the greeting hint', async () => {
  const r = await runBin(['one.probe.example', ...base(), '--greeting-timeout', '300', '--connect-to', route(MX1, silent), '--format', 'json']);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout);
  const reachable = report.checks.find((c: { id: string }) => c.id === 'smtp/reachable');
  assert.equal(reachable.status, 'error');
  assert.equal(reachable.findings[0].code, 'smtp/reachable.no-greeting');
  const transcript = report.facts.smtp.value.addresses[0].transcript.entries.map((e: { text: string }) => e.text);
  assert.ok(transcript.some((t: string) => /timeout after 300 ms waiting for greeting/.test(t)), 'the transcript keeps what happened');
});
