// `send --ca-file`: a server whose certificate comes from a private CA (the fixture root and
// intermediate, fixtures/certs) verifies once that CA is trusted; and `--connect-to` needs no
// DNS for the name it maps (the fixture DNS records every query, so "no lookup" is observable).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { FIXTURE_ROOT_CA_FILE, fixtureCert } from '../../src/testnet/mta/fixture-certs.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

// covered by the fixture certificate (*.mx.probe.example) and in no zone of the fixture DNS
const NAME = 'submit.mx.probe.example';
let dns: FixtureDnsServer;
let mta: SMTPServer;
let port: number;
let connects = 0;

before(async () => {
  dns = await startTestDns();
  const { key, cert } = fixtureCert('valid');
  mta = new SMTPServer({
    key, cert, authOptional: true, disableReverseLookup: true, logger: false,
    onConnect(_session, callback) { connects++; callback(); },
    onData(stream, _session, callback) { stream.on('end', () => callback(null, '2.0.0 Ok: queued as CaF1le')).resume(); },
  });
  await new Promise<void>((resolve) => mta.listen(0, '127.0.0.1', resolve));
  port = (mta.server.address() as net.AddressInfo).port;
});
after(async () => {
  dns.stop();
  await new Promise<void>((resolve) => mta.close(() => resolve()));
});

const sendTo = (extra: string[]) => runBin([
  'send', '--server', `${NAME}:2525`, '--connect-to', `${NAME}:2525=127.0.0.1:${port}`, '--resolver', dns.address,
  '--from', 'a@send.example', '--to', 'b@send.example', '--format', 'json', '--timeout', '5000', ...extra,
]);

test('--connect-to: the mapped --server name is never looked up, and is still the name the certificate must cover', async () => {
  const r = await sendTo([]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const d = JSON.parse(r.stdout).deliveries[0];
  assert.deepEqual(d.server, { host: NAME, port: 2525, hostname: NAME });
  assert.equal(d.tls.certificate.nameMatches, true, 'SNI and name check use the mapped name');
  assert.ok(d.transcript.some((l: { text: string }) => l.text === `connecting to ${NAME}:2525 (--connect-to: 127.0.0.1:${port})`));
  assert.deepEqual(dns.queriesFor(NAME), [], 'no DNS query for the mapped name');
});

test('--connect-to on an MX route: the MX is looked up, the mapped MX host is not', async () => {
  const before = dns.queries.length;
  const r = await runBin(['send', '--resolver', dns.address, '--connect-to', `mx.send.example:25=127.0.0.1:${port}`, '--from', 'a@send.example', '--to', 'carol@send.example', '--format', 'json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const asked = dns.queries.slice(before).map((q) => `${q.name} ${q.type}`);
  assert.ok(asked.includes('send.example MX'), asked.join(', '));
  assert.equal(asked.some((q) => q.startsWith('mx.send.example ')), false, asked.join(', '));
});

test('without --ca-file the private CA is unknown: reported untrusted, and refused with --verify-cert (exit 3, hint names --ca-file)', async () => {
  const plain = await sendTo([]);
  const cert = JSON.parse(plain.stdout).deliveries[0].tls.certificate;
  assert.equal(cert.trusted, false);
  assert.match(cert.trustError, /ISSUER|SELF_SIGNED/);

  const strict = await sendTo(['--verify-cert']);
  assert.equal(strict.code, 3, strict.stdout);
  const failure = JSON.parse(strict.stdout).deliveries[0].failure;
  assert.equal(failure.kind, 'network');
  assert.match(failure.hint, /--ca-file <pem>/);
});

test('--ca-file <root>: the chain verifies, --verify-cert passes (exit 0)', async () => {
  const r = await sendTo(['--verify-cert', '--ca-file', FIXTURE_ROOT_CA_FILE]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const d = JSON.parse(r.stdout).deliveries[0];
  assert.equal(d.tls.certificate.trusted, true);
  assert.equal(d.tls.certificate.trustError, null);
  assert.match(d.tls.certificate.issuer, /smtp-audit Test Intermediate CA/);
  assert.deepEqual(d.accepted, ['b@send.example']);

  // repeatable: an unrelated CA first, the right one second
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-ca-'));
  const other = join(dir, 'other.pem');
  writeFileSync(other, readFileSync('fixtures/certs/mx-self-signed.pem'));
  const two = await sendTo(['--verify-cert', '--ca-file', other, '--ca-file', FIXTURE_ROOT_CA_FILE]);
  assert.equal(two.code, 0, two.stdout);
});

test('a --ca-file that is missing, holds no certificate or a broken one: usage error (exit 2), one line, no connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-ca-'));
  const empty = join(dir, 'empty.pem');
  writeFileSync(empty, 'not a certificate\n');
  const broken = join(dir, 'broken.pem');
  writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nTUlJQm9ndXM=\n-----END CERTIFICATE-----\n');
  const connectsBefore = connects;
  for (const [file, pattern] of [[join(dir, 'missing.pem'), /cannot read --ca-file .*ENOENT/], [empty, /holds no PEM certificate/], [broken, /certificate 1 of 1 is not a valid X\.509 certificate/]] as const) {
    const r = await sendTo(['--ca-file', file]);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  assert.equal(connects, connectsBefore, 'no connection was made');
});
