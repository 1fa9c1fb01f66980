// `smtp-audit send --loopback`: one command that signs, sends through an in-process loopback
// server and prints the verdicts the message reached on arrival. Through the real bin, with the
// fixture DNS (fixtures/zones/send-domains.zone) publishing the keys in fixtures/keys/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { runBin } from '../support/run-bin.ts';

const RSA = 'fixtures/keys/send-rsa2048.pem';
const ED25519 = 'fixtures/keys/send-ed25519.pem';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const loopback = (args: string[]) => runBin(['send', '--loopback', '--resolver', dns.address, '--to', 'carol@send.example', ...args]);

test('send --loopback --dkim-key ... --from ... --to ...: pass verdicts end to end in one command (RSA)', async () => {
  const r = await loopback(['--from', 'Joe <joe@send.example>', '--dkim-key', RSA, '--dkim-selector', 'rsa2048']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = r.stdout;
  // the key and the record that publishes it
  assert.match(out, /^dkim signature d=send\.example s=rsa2048 rsa-sha256 2048-bit; its public key record:$/m);
  assert.match(out, /^ {2}rsa2048\._domainkey\.send\.example TXT "v=DKIM1; k=rsa; p=MIIBIjANBg/m);
  // a timed transcript: every line "+<n>ms C: ...", "S: ..." or a "*" note
  const transcript = out.split('\n').filter((l) => /^\+\d+ms/.test(l));
  assert.ok(transcript.length > 15, out);
  for (const line of transcript) assert.match(line, /^\+\d+ms +(C: |S: |\* {2})\S/);
  const times = transcript.map((l) => Number(/^\+(\d+)ms/.exec(l)![1]));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'times never go backwards');
  assert.match(out, /^\+\d+ms +C: STARTTLS$/m);
  assert.match(out, /^\+\d+ms +\* {2}TLS established: TLSv1\.3 /m);
  // RFC 1870: the size is declared, since the server announced SIZE
  assert.match(out, /^\+\d+ms +C: MAIL FROM:<joe@send\.example> SIZE=\d+$/m);
  assert.match(out, /^\+\d+ms +S: 250 2\.0\.0 \S+ spf=pass dkim=pass dmarc=pass$/m);
  // TLS, certificate, reply, queue id, time
  assert.match(out, /^tls +TLSv1\.3 \S+ \(STARTTLS\)$/m);
  assert.match(out, /^cert +CN=smtp-audit\.loopback; issuer CN=smtp-audit\.loopback; not trusted: DEPTH_ZERO_SELF_SIGNED_CERT, covers localhost$/m);
  const queueId = /^queue id +(\S+)$/m.exec(out)?.[1];
  assert.ok(queueId);
  assert.match(out, new RegExp(`^reply +250 2\\.0\\.0 ${queueId} spf=pass`, 'm'));
  // the arrival verdicts
  assert.match(out, /^arrival at the loopback server:$/m);
  assert.match(out, /^ {2}spf {4}pass {6}send\.example for 127\.0\.0\.1/m);
  assert.match(out, /^ {2}dkim {3}pass {6}d=send\.example s=rsa2048 rsa-sha256 2048-bit, aligned with From$/m);
  assert.match(out, /^ {2}dmarc {2}pass {6}From send\.example, p=reject; aligned: spf send\.example, dkim send\.example$/m);
  assert.match(out, /^total \d+ ms: ok \(exit 0\)$/m);
});

test('Ed25519 (RFC 8463) passes the same way; --dir keeps the message; --format json has it all as data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-send-'));
  const r = await loopback(['--from', 'joe@send.example', '--dkim-key', ED25519, '--dkim-selector', 'ed25519', '--dir', dir, '--format', 'json', '--subject', 'Ed25519 check', '--header', 'X-Campaign: spring', '--attach', 'fixtures/keys/README.md']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.exitCode, 0);
  assert.deepEqual(report.message.dkim.map((k: { algorithm: string; dnsRecord: string }) => k.algorithm), ['ed25519-sha256']);
  assert.equal(report.message.dkim[0].dnsRecord, 'v=DKIM1; k=ed25519; p=dgpxKBn+Kx4E4S4x4a5eVzxB1qGA/GWZkLYTcfLE6Ek=');
  assert.equal(report.message.subject, 'Ed25519 check');
  const delivery = report.deliveries[0];
  assert.equal(delivery.via, 'loopback');
  assert.deepEqual(delivery.accepted, ['carol@send.example']);
  assert.equal(delivery.tls.protocol, 'TLSv1.3');
  assert.equal(delivery.tls.certificate.selfSigned, true);
  assert.deepEqual(delivery.replyVerdicts, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  assert.ok(delivery.transcript.some((l: { dir: string; text: string }) => l.dir === 'C' && l.text === 'STARTTLS'));
  assert.ok(typeof delivery.transcript[0].ms === 'number');
  const arrival = report.loopback.arrivals[0];
  assert.equal(arrival.verdict.dkim[0].result, 'pass');
  assert.equal(arrival.verdict.dkim[0].algorithm, 'ed25519-sha256');
  assert.equal(arrival.verdict.dmarc.result, 'pass');
  assert.equal(arrival.id, delivery.queueId);
  assert.deepEqual(readdirSync(dir).sort(), [`${arrival.id}.eml`, `${arrival.id}.json`]);
  const eml = readFileSync(join(dir, `${arrival.id}.eml`), 'utf8');
  assert.match(eml, /^X-Campaign: spring\r$/m);
  assert.match(eml, /filename=README\.md/);
});

test('a From domain that neither SPF nor DKIM aligns with fails DMARC: exit 1', async () => {
  const r = await loopback(['--from', 'joe@elsewhere.example', '--mail-from', 'bounce@send.example', '--dkim-key', RSA, '--dkim-selector', 'rsa2048', '--dkim-domain', 'send.example']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^ {2}spf {4}pass {6}send\.example/m);
  assert.match(r.stdout, /^ {2}dkim {3}pass {6}d=send\.example s=rsa2048 rsa-sha256 2048-bit, not aligned with From$/m);
  assert.match(r.stdout, /^ {2}dmarc {2}fail {6}From elsewhere\.example, p=quarantine; aligned: nothing$/m);
  assert.match(r.stdout, /S: 250 2\.0\.0 \S+ spf=pass dkim=pass dmarc=fail$/m);
});

test('testing a key before publishing it: the printed record is the one that makes it pass', async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-key-'));
  const keyFile = join(dir, 'new.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const before = await loopback(['--from', 'joe@send.example', '--mail-from', 'bounce@elsewhere.example', '--dkim-key', keyFile, '--dkim-selector', 'fresh', '--format', 'json']);
  assert.equal(before.code, 1, `not published yet: the signature cannot verify\n${before.stdout}${before.stderr}`);
  const report = JSON.parse(before.stdout);
  assert.notEqual(report.loopback.arrivals[0].verdict.dkim[0].result, 'pass');
  const { dnsName, dnsRecord } = report.message.dkim[0];
  assert.equal(dnsName, 'fresh._domainkey.send.example');

  const published = await startTestDns({ extraZone: `${dnsName}. 60 IN TXT "${dnsRecord}"` });
  try {
    const after = await runBin(['send', '--loopback', '--resolver', published.address, '--to', 'carol@send.example', '--from', 'joe@send.example', '--mail-from', 'bounce@elsewhere.example', '--dkim-key', keyFile, '--dkim-selector', 'fresh']);
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, /^ {2}dkim {3}pass {6}d=send\.example s=fresh ed25519-sha256, aligned with From$/m);
  } finally {
    published.stop();
  }
});

test('--client-ip lets the loopback server judge SPF for the real sending address', async () => {
  const r = await loopback(['--from', 'joe@send.example', '--client-ip', '198.51.100.25', '--format', 'json']);
  assert.equal(r.code, 0, r.stdout);
  const arrival = JSON.parse(r.stdout).loopback.arrivals[0];
  assert.equal(arrival.session.clientIp, '198.51.100.25');
  assert.equal(arrival.session.remoteAddress, '127.0.0.1');
  assert.equal(arrival.verdict.spf.result, 'pass');
  const other = await loopback(['--from', 'joe@send.example', '--client-ip', '192.0.2.1']);
  assert.equal(other.code, 1, 'unsigned and SPF fails for 192.0.2.1: DMARC fails');
  assert.match(other.stdout, /^ {2}spf {4}fail {6}send\.example for 192\.0\.2\.1/m);
});

test('--verify-cert refuses the self-signed certificate: exit 3 and what to do about it', async () => {
  const r = await loopback(['--from', 'joe@send.example', '--verify-cert']);
  assert.equal(r.code, 3, r.stdout);
  assert.match(r.stdout, /^failed +\S+: .*self[- ]signed/im);
  assert.match(r.stdout, /^try +.*drop --verify-cert/m);
});
