// dane/tlsa: TLSA records from the fixture zones (probe-tests.zone), matched against what
// fixture MTAs present; every status it can end in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startSmtpServerMta, type FixtureMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startRawMta } from '../../src/testnet/mta/raw-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { check, MX1, probeAudit, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
let good: FixtureMta;
const stops: Array<() => Promise<void>> = [];
before(async () => {
  dns = await startTestDns();
  good = await startSmtpServerMta({ name: 'mx.probe.example', cert: 'valid' });
  stops.push(() => good.stop());
});
after(async () => { await Promise.all(stops.map((s) => s())); await dns.stop(); });

async function mta(o: Partial<SmtpServerMtaOptions>) {
  const m = await startSmtpServerMta({ name: 'mx.probe.example', cert: 'valid', ...o });
  stops.push(() => m.stop());
  return m;
}
const ADDRESSES: Record<string, string> = {
  dane: '203.0.113.127', 'dane-ta': '203.0.113.128', 'dane-bad': '203.0.113.129', 'dane-pkix': '203.0.113.130',
  'dane-unsigned': '203.0.113.131', 'dane-servfail': '203.0.113.132', one: MX1,
};
const audit = (name: string, server: { address: string }, options = {}) =>
  probeAudit(`${name}.probe.example`, { dns, connectTo: [route(ADDRESSES[name]!, server)], options: { relay: false, ...options }, only: ['dane'] });

test('pass: a DNSSEC-authenticated DANE-EE(3) record matches the server key', async () => {
  const c = check(await audit('dane', good), 'dane/tlsa');
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /3 1 1 7dd621ac.*\(DANE-EE SPKI SHA2-256\) matches the server certificate, DNSSEC-authenticated/);
});

test('pass: a DANE-TA(2) record matches the issuing CA in the chain', async () => {
  const c = check(await audit('dane-ta', good), 'dane/tlsa');
  assert.equal(c.status, 'pass');
  assert.match(c.notes![0]!, /DANE-TA Cert SHA2-256\) matches the chain certificate \[1\]/);
});

test('info: no TLSA records; records not DNSSEC-authenticated; PKIX usages SMTP ignores', async () => {
  const none = check(await audit('one', good), 'dane/tlsa');
  assert.equal(none.status, 'info');
  assert.equal(none.findings[0]!.code, 'dane/tlsa.none');
  assert.deepEqual(none.findings[0]!.evidence, ['TLSA _25._tcp.mx1.mx.probe.example: NXDOMAIN']);
  const unsigned = check(await audit('dane-unsigned', good), 'dane/tlsa');
  assert.equal(unsigned.status, 'info');
  assert.deepEqual(unsigned.findings.map((f) => f.code), ['dane/tlsa.not-authenticated']);
  const pkix = check(await audit('dane-pkix', good), 'dane/tlsa');
  assert.equal(pkix.status, 'info');
  assert.deepEqual(pkix.findings.map((f) => f.code), ['dane/tlsa.unusable-records']);
  assert.match(pkix.findings[0]!.message, /PKIX-EE records are unusable for SMTP \(RFC 7672 section 3\.1\.3\)/);
});

test('fail: a record that matches nothing, with the hashes a matching record would need', async () => {
  const c = check(await audit('dane-bad', good), 'dane/tlsa');
  assert.equal(c.status, 'fail');
  const f = c.findings[0]!;
  assert.equal(f.code, 'dane/tlsa.mismatch');
  assert.ok(f.evidence.includes('presented leaf: 3 1 1 7dd621ac34b55481023fe3d2d3391849c9600112d404420cd61ed383b09aad0a'));
  assert.match(f.remediation!, /_25\._tcp\.dane-bad\.mx\.probe\.example\. IN TLSA 3 1 1 7dd621ac/);
});

test('fail: DANE-TA matches the CA but the certificate does not cover the MX name; DANE-EE against another key', async () => {
  const wrongName = await mta({ cert: 'wrong-name' });
  const ta = check(await audit('dane-ta', wrongName), 'dane/tlsa');
  assert.equal(ta.status, 'fail');
  assert.match(ta.findings[0]!.message, /the trust anchor matches, but the certificate does not cover dane-ta\.mx\.probe\.example/);
  const selfSigned = await mta({ cert: 'self-signed' });
  assert.equal(check(await audit('dane', selfSigned), 'dane/tlsa').status, 'fail');
});

test('fail: TLSA records but no STARTTLS', async () => {
  const plain = await mta({ cert: null });
  const c = check(await audit('dane', plain), 'dane/tlsa');
  assert.equal(c.status, 'fail');
  assert.equal(c.findings[0]!.code, 'dane/tlsa.no-tls');
  assert.match(c.findings[0]!.message, /does not offer STARTTLS: DANE senders will not deliver to it/);
});

test('error: the TLSA lookup fails, or a server with records cannot be reached', async () => {
  const servfail = check(await audit('dane-servfail', good), 'dane/tlsa');
  assert.equal(servfail.status, 'error');
  assert.match(servfail.error!, /TLSA lookup of _25\._tcp\.dane-servfail\.mx\.probe\.example failed: ESERVFAIL/);
  const busy = await startRawMta({ behaviour: 'greeting-421' });
  stops.push(() => busy.stop());
  assert.equal(check(await audit('dane', busy), 'dane/tlsa').status, 'error');
});

test('skipped: a null MX, an IP target, records but --no-smtp', async () => {
  const nullMx = await probeAudit('null-mx.example', { dns, connectTo: [], only: ['dane'] });
  assert.equal(check(nullMx, 'dane/tlsa').status, 'skipped');
  const ip = await probeAudit(MX1, { dns, connectTo: [route(MX1, good)], only: ['dane'] });
  assert.equal(check(ip, 'dane/tlsa').skippedReason, 'not applicable to an IP address target');
  const off = check(await audit('dane', good, { smtp: false }), 'dane/tlsa');
  assert.equal(off.status, 'skipped');
  assert.match(off.skippedReason!, /TLSA records found for dane\.mx\.probe\.example, but there is nothing to match them against: live SMTP probes are disabled/);
});
