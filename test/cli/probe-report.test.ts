// The live probe through the real bin: the table shows, per MX address, the banner, step
// timings, TLS version and cipher, a certificate summary and the relay verdict; the JSON facts
// hold the transcripts; the new flags are validated; `checks` lists the probe checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { FIXTURE_ROOT_CA_FILE } from '../../src/testnet/mta/fixture-certs.ts';
import { startSmtpServerMta, type FixtureMta } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';
import { assertValidReport } from '../support/schema.ts';
import { MX1, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
let good: FixtureMta;
let open: FixtureMta;
before(async () => {
  dns = await startTestDns();
  good = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', localDomains: ['one.probe.example'] });
  open = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', relay: 'open' });
});
after(async () => { await good.stop(); await open.stop(); await dns.stop(); });

const args = (server: { address: string }, target = 'one.probe.example') => [
  target, '--resolver', dns.address, '--only', 'smtp,tls,relay,dane', '--ehlo', 'probe.smtp-audit.invalid',
  '--ca-file', FIXTURE_ROOT_CA_FILE, '--timeout', '3000', '--greeting-timeout', '3000', '--connect-to', route(MX1, server),
];

test('the table shows banner, timings, TLS, certificate and relay verdict per MX address', async () => {
  // the per-address notes of passing checks are listed with --verbose
  const r = await runBin([...args(good), '--no-color', '--verbose'], { env: { COLUMNS: '400' } });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = r.stdout;
  assert.match(out, /203\.0\.113\.125 \(mx1\.mx\.probe\.example\): 220 mx1\.mx\.probe\.example ESMTP fixture ready · connect \d+ ms, banner \d+ ms, EHLO \d+ ms, STARTTLS \d+ ms, TLS handshake \d+ ms/);
  assert.match(out, /203\.0\.113\.125 \(mx1\.mx\.probe\.example\): TLSv1\.3, TLS_\w+, key exchange/);
  assert.match(out, /203\.0\.113\.125 \(mx1\.mx\.probe\.example\): CN=mx1\.good\.example, O=smtp-audit fixtures .* valid until 2125-01-01 .*trusted/);
  assert.match(out, /203\.0\.113\.125 \(mx1\.mx\.probe\.example\): refused all 16 relay forms over TLS/);
  assert.match(out, /highest TLSv1\.3, lowest TLSv1\.2/);
  assert.doesNotMatch(out, /\x1b/);
});

test('the JSON facts hold each session with its timed transcript', async () => {
  const r = await runBin([...args(good), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assertValidReport(report);
  const probe = report.facts.smtp.value.addresses[0];
  assert.equal(probe.address, MX1);
  assert.equal(probe.outcome, 'completed');
  assert.equal(probe.tls.protocol, 'TLSv1.3');
  assert.equal(probe.tls.chain.length, 3);
  const entries: Array<{ t: number; dir: string; text: string }> = probe.transcript.entries;
  assert.ok(entries.some((e) => e.dir === 'S' && e.text.startsWith('220 mx1.mx.probe.example')));
  assert.ok(entries.some((e) => e.dir === 'C' && e.text === 'EHLO probe.smtp-audit.invalid'));
  assert.ok(entries.every((e) => Number.isInteger(e.t)));
  assert.equal(probe.otherTranscripts.length, 3 + probe.relay.sessions - 1, 'the version tries and the relay test\'s further sessions');
  assert.ok(probe.otherTranscripts.some((t: { purpose: string }) => t.purpose === 'relay test, session 2'));
  assert.equal(report.facts.dane.value.hosts[0].name, '_25._tcp.mx1.mx.probe.example');
});

test('an open relay fails the run (exit 1); --no-relay skips the test; --no-smtp skips every probe check', async () => {
  const openRun = await runBin([...args(open), '--no-color', '--verbose'], { env: { COLUMNS: '400' } });
  assert.equal(openRun.code, 1);
  assert.match(openRun.stdout, /An MX is an open relay \[relay\/open\]/);
  assert.match(openRun.stdout, /DATA was never sent/);
  assert.equal(open.dataCommands, 0);

  const noRelay = JSON.parse((await runBin([...args(open), '--no-relay', '--format', 'json'])).stdout);
  assert.equal(noRelay.checks.find((c: { id: string }) => c.id === 'relay/open').skippedReason, 'the open-relay test is disabled (--no-relay)');

  const noSmtp = await runBin([...args(good), '--no-smtp', '--format', 'json']);
  assert.equal(noSmtp.code, 0);
  const report = JSON.parse(noSmtp.stdout);
  for (const c of report.checks.filter((x: { area: string }) => ['smtp', 'tls', 'relay'].includes(x.area))) {
    assert.equal(c.status, 'skipped', c.id);
    assert.equal(c.skippedReason, 'live SMTP probes are disabled (--no-smtp)');
  }
});

test('an IP target is probed as one mail server, named by its PTR', async () => {
  const r = await runBin([...args(good, MX1), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.target.kind, 'ip');
  const probe = report.facts.smtp.value.addresses[0];
  assert.deepEqual(probe.hosts, ['mx1.mx.probe.example']);
  assert.equal(probe.tls.serverName, 'mx1.mx.probe.example');
  assert.equal(report.checks.find((c: { id: string }) => c.id === 'tls/certificate').status, 'pass');
});

test('bad probe flags are usage errors (exit 2)', async () => {
  for (const extra of [['--relay-from', 'not an address'], ['--relay-to', '"x"@example.org'], ['--smtp-concurrency', '0'], ['--ca-file', '/no/such/file.pem'], ['--ca-file', FIXTURE_ROOT_CA_FILE.replace('root-ca.pem', 'README.md')]]) {
    const r = await runBin(['one.probe.example', '--no-smtp', ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('smtp-audit checks lists every probe check', async () => {
  const r = await runBin(['checks', '--format', 'json']);
  assert.equal(r.code, 0);
  const ids = JSON.parse(r.stdout).map((c: { id: string }) => c.id);
  for (const id of ['smtp/reachable', 'smtp/banner', 'smtp/auth-plaintext', 'tls/starttls', 'tls/protocol', 'tls/certificate', 'relay/open', 'dane/tlsa']) {
    assert.ok(ids.includes(id), id);
  }
});

test('saved probe facts are judged again with no network (--save-facts, --facts)', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'smtp-audit-probe-')), 'facts.json');
  const live = await runBin([...args(open), '--format', 'json', '--save-facts', file]);
  assert.equal(live.code, 1);
  const before = open.connections;
  const replay = await runBin(['--facts', file, '--only', 'smtp,tls,relay,dane', '--format', 'json']);
  assert.equal(replay.code, 1, replay.stderr);
  assert.equal(open.connections, before, 'no connection on replay');
  const statuses = (out: string) => JSON.parse(out).checks.filter((c: { area: string }) => ['smtp', 'tls', 'relay', 'dane'].includes(c.area)).map((c: { id: string; status: string }) => `${c.id}=${c.status}`);
  assert.deepEqual(statuses(replay.stdout), statuses(live.stdout));
});
