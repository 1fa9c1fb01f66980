// tls/starttls, tls/protocol, tls/certificate over live probes of fixture MTAs: every status
// each can end in. Certificate dates are judged against the audit clock, pinned where it matters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../../src/net/clock.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startRawMta, type RawBehaviour } from '../../src/testnet/mta/raw-mta.ts';
import { startSmtpServerMta, type FixtureMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { check, MX1, probeAudit, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
let good: FixtureMta;
const stops: Array<() => Promise<void>> = [];
before(async () => {
  dns = await startTestDns();
  good = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid' });
  stops.push(() => good.stop());
});
after(async () => { await Promise.all(stops.map((s) => s())); await dns.stop(); });

async function mta(o: Partial<SmtpServerMtaOptions>) {
  const m = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', ...o });
  stops.push(() => m.stop());
  return m;
}
async function raw(behaviour: RawBehaviour) {
  const m = await startRawMta({ behaviour, name: 'mx1.mx.probe.example' });
  stops.push(() => m.stop());
  return m;
}
const audit = (server: { address: string }, options = {}, extra: { clock?: ReturnType<typeof fixedClock>; domain?: string; address?: string } = {}) =>
  probeAudit(extra.domain ?? 'one.probe.example', { dns, connectTo: [route(extra.address ?? MX1, server)], options: { relay: false, ...options }, clock: extra.clock });

describe('tls/starttls', () => {
  test('pass: the notes give version, cipher and key exchange', async () => {
    const c = check(await audit(good), 'tls/starttls');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /^203\.0\.113\.125 \(mx1\.mx\.probe\.example\): TLSv1\.3, TLS_\w+, key exchange \S+/);
  });

  test('fail, three different ways: not offered, refused, handshake failed', async () => {
    const none = check(await audit(await mta({ cert: null })), 'tls/starttls');
    assert.equal(none.status, 'fail');
    assert.equal(none.findings[0]!.code, 'tls/starttls.not-offered');
    const refused = check(await audit(await raw('starttls-454')), 'tls/starttls');
    assert.equal(refused.findings[0]!.code, 'tls/starttls.refused');
    assert.match(refused.findings[0]!.message, /answered it with 454 4\.7\.0 TLS not available/);
    const broken = check(await audit(await raw('handshake-failure')), 'tls/starttls');
    assert.equal(broken.findings[0]!.code, 'tls/starttls.handshake-failed');
    assert.match(broken.findings[0]!.message, /accepted STARTTLS but the TLS handshake failed: .*\(ERR_SSL_/);
  });

  test('error, not fail: a server that hangs up before STARTTLS, a 421 greeting', async () => {
    const c = check(await audit(await raw('close-after-ehlo')), 'tls/starttls');
    assert.equal(c.status, 'error');
    assert.deepEqual(c.findings, []);
    assert.match(c.error!, /STARTTLS is offered, but the session ended before TLS could be tested/);
    const busy = check(await audit(await raw('greeting-421')), 'tls/starttls');
    assert.equal(busy.status, 'error');
    assert.match(busy.error!, /rate-limiting this client; try again later/);
  });

  test('skipped with --no-smtp', async () => {
    assert.equal(check(await audit(good, { smtp: false }), 'tls/starttls').status, 'skipped');
  });
});

describe('tls/protocol', () => {
  test('pass: TLS 1.0 and 1.1 refused; the notes show highest and lowest', async () => {
    const c = check(await audit(good), 'tls/protocol');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /highest TLSv1\.3, lowest TLSv1\.2; TLSv1 refused, TLSv1\.1 refused, TLSv1\.2 accepted, TLSv1\.3 accepted/);
  });

  test('warn: TLS 1.0 and 1.1 still accepted beside 1.2 and 1.3', async () => {
    const c = check(await audit(await mta({ cert: 'legacy', minVersion: 'TLSv1' })), 'tls/protocol');
    assert.equal(c.status, 'warn');
    assert.equal(c.findings[0]!.code, 'tls/protocol.legacy-accepted');
    assert.match(c.findings[0]!.message, /still accepts TLSv1 and TLSv1\.1/);
  });

  test('fail: only TLS 1.0/1.1 work; or no version works at all', async () => {
    const old = check(await audit(await mta({ cert: 'legacy', minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })), 'tls/protocol');
    assert.equal(old.status, 'fail');
    assert.equal(old.findings[0]!.code, 'tls/protocol.legacy-only');
    const none = check(await audit(await raw('handshake-failure')), 'tls/protocol');
    assert.equal(none.status, 'fail');
    assert.equal(none.findings[0]!.code, 'tls/protocol.no-version');
    // it accepts nothing: the title must not say it accepts deprecated (or any) versions
    assert.doesNotMatch(none.title, /deprecated/);
    assert.match(none.title, /complete no TLS 1\.2 or 1\.3 handshake \(only older versions, or none at all\)/);
    assert.match(none.findings[0]!.message, /accepts no TLS version at all/);
  });

  test('error when the versions could not be tried; skipped when nobody offers STARTTLS', async () => {
    const c = check(await audit(await raw('close-after-ehlo')), 'tls/protocol');
    assert.equal(c.status, 'error');
    assert.match(c.error!, /TLSv1 and TLSv1\.1 could not be tried/);
    const s = check(await audit(await mta({ cert: null })), 'tls/protocol');
    assert.equal(s.status, 'skipped');
    assert.match(s.skippedReason!, /no MX address offers STARTTLS/);
  });
});

describe('tls/certificate', () => {
  test('pass: trusted chain, the MX name covered, in date; the note summarizes the certificate', async () => {
    const c = check(await audit(good), 'tls/certificate');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /CN=mx1\.good\.example, O=smtp-audit fixtures \[mx1\.good\.example, mx2\.good\.example, \*\.mx\.probe\.example\], EC P-256, issued by CN=smtp-audit Test Intermediate CA.*valid until 2125-01-01 .*chain of 3, trusted/);
  });

  test('fail: an expired certificate, with subject, SANs, issuer, dates and chain as evidence', async () => {
    const c = check(await audit(await mta({ cert: 'expired' })), 'tls/certificate');
    assert.equal(c.status, 'fail');
    const f = c.findings[0]!;
    assert.equal(f.code, 'tls/certificate.expired');
    assert.match(f.message, /expired on 2021-01-01/);
    assert.deepEqual(f.evidence.slice(0, 4), [
      'subject: CN=relay.broken.example, O=smtp-audit fixtures',
      'subjectAltName: DNS:relay.broken.example, DNS:*.mx.probe.example',
      'issuer: CN=smtp-audit Test Intermediate CA, O=smtp-audit fixtures',
      'valid: 2020-01-01T00:00:00.000Z to 2021-01-01T00:00:00.000Z',
    ]);
    assert.match(f.evidence[5]!, /^chain: \[0\] CN=relay\.broken\.example.*\[1\] CN=smtp-audit Test Intermediate CA.*\[2\] CN=smtp-audit Test Root CA/);
  });

  test('expiry follows the audit clock: fail after notAfter, warn under 14 days, warn before notBefore', async () => {
    const late = check(await audit(good, {}, { clock: fixedClock('2125-02-01T00:00:00Z') }), 'tls/certificate');
    assert.equal(late.status, 'fail');
    assert.ok(late.findings.some((f) => f.code === 'tls/certificate.expired'));
    const soon = check(await audit(good, {}, { clock: fixedClock('2124-12-25T00:00:00Z') }), 'tls/certificate');
    assert.equal(soon.status, 'warn');
    assert.equal(soon.findings[0]!.code, 'tls/certificate.expires-soon');
    assert.match(soon.findings[0]!.message, /expires on 2125-01-01, in 7 days \(under 14\)/);
    const early = check(await audit(good, {}, { clock: fixedClock('2024-06-01T00:00:00Z') }), 'tls/certificate');
    assert.equal(early.status, 'warn');
    assert.equal(early.findings[0]!.code, 'tls/certificate.not-yet-valid');
  });

  test('warn: self-signed, an unknown CA, a name that does not cover the MX', async () => {
    const self = check(await audit(await mta({ cert: 'self-signed' })), 'tls/certificate');
    assert.equal(self.status, 'warn');
    assert.deepEqual(self.findings.map((f) => f.code), ['tls/certificate.self-signed']);
    const unknown = check(await audit(good, { caCertificates: [] }), 'tls/certificate');
    assert.equal(unknown.status, 'warn');
    assert.deepEqual(unknown.findings.map((f) => f.code), ['tls/certificate.untrusted']);
    const wrong = check(await audit(await mta({ cert: 'wrong-name' })), 'tls/certificate');
    assert.equal(wrong.status, 'warn');
    assert.equal(wrong.findings[0]!.code, 'tls/certificate.name-mismatch');
    assert.match(wrong.findings[0]!.message, /is for mail\.wrong\.example, which does not cover the MX host name mx1\.mx\.probe\.example\.$/);
  });

  test('the finding says when MTA-STS or DANE senders would refuse delivery', async () => {
    const wrong = await mta({ cert: 'wrong-name' });
    const sts = check(await audit(wrong, {}, { domain: 'sts.probe.example' }), 'tls/certificate');
    assert.match(sts.findings[0]!.message, /MTA-STS policy .* if the policy is in enforce mode, senders that honour it will refuse to deliver to this MX \(RFC 8461 section 4\.2\)/);
    const ta = check(await audit(wrong, {}, { domain: 'dane-ta.probe.example', address: '203.0.113.128' }), 'tls/certificate');
    assert.match(ta.findings[0]!.message, /DANE applies to dane-ta\.mx\.probe\.example with DANE-TA\(2\) records, so DANE senders will refuse delivery too/);
  });

  test('error when the handshake was never reached; skipped when no address did TLS', async () => {
    const c = check(await audit(await raw('close-after-ehlo')), 'tls/certificate');
    assert.equal(c.status, 'error');
    const s = check(await audit(await mta({ cert: null })), 'tls/certificate');
    assert.equal(s.status, 'skipped');
    assert.match(s.skippedReason!, /no MX address completed a TLS handshake/);
  });
});
