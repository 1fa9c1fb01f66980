// smtp/reachable, smtp/banner, smtp/auth-plaintext over live probes of fixture MTAs, through
// the real engine: every status each check can end in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Dialer } from '../../src/net/dial.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startRawMta, type RawBehaviour } from '../../src/testnet/mta/raw-mta.ts';
import { startSmtpServerMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { assertValidReport } from '../support/schema.ts';
import { check, MX1, MX2, MX2_V6, probeAudit, probeEnv, route } from '../probe/support.ts';

let dns: FixtureDnsServer;
const stops: Array<() => Promise<void>> = [];
before(async () => { dns = await startTestDns(); });
after(async () => { await Promise.all(stops.map((s) => s())); await dns.stop(); });

async function mta(o: Partial<SmtpServerMtaOptions> = {}) {
  const m = await startSmtpServerMta({ name: 'mx1.mx.probe.example', cert: 'valid', localDomains: ['one.probe.example'], ...o });
  stops.push(() => m.stop());
  return m;
}
async function raw(behaviour: RawBehaviour, name = 'mx1.mx.probe.example') {
  const m = await startRawMta({ behaviour, name });
  stops.push(() => m.stop());
  return m;
}
async function closedPort(): Promise<string> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(`127.0.0.1:${port}`)); });
  });
}
const audit = (domain: string, connectTo: string[], options = {}) => probeAudit(domain, { dns, connectTo, options });

describe('smtp/reachable', () => {
  test('pass: the notes show each address with its banner and step timings', async () => {
    const server = await mta();
    const report = await audit('one.probe.example', [route(MX1, server)]);
    assertValidReport(report);
    const c = check(report, 'smtp/reachable');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /^203\.0\.113\.125 \(mx1\.mx\.probe\.example\): 220 mx1\.mx\.probe\.example ESMTP fixture ready · connect \d+ ms, banner \d+ ms, EHLO \d+ ms, STARTTLS \d+ ms, TLS handshake \d+ ms, EHLO \(TLS\) \d+ ms, relay test \d+ ms, QUIT \d+ ms$/);
  });

  test('fail: a 554 greeting, a malformed greeting, EHLO and HELO refused', async () => {
    for (const [behaviour, code] of [['banner-554', 'rejected'], ['endless-multiline', 'malformed-greeting'], ['ehlo-refused', 'ehlo-refused']] as const) {
      const server = await raw(behaviour);
      const c = check(await audit('one.probe.example', [route(MX1, server)]), 'smtp/reachable');
      assert.equal(c.status, 'fail', behaviour);
      assert.equal(c.findings[0]!.code, `smtp/reachable.${code}`);
      assert.equal(c.findings[0]!.subject, '203.0.113.125 (mx1.mx.probe.example)');
      assert.ok(c.findings[0]!.evidence.some((e) => /connecting to 203\.0\.113\.125:25/.test(e)), 'the transcript is the evidence');
    }
  });

  test('error, not fail: a 421 greeting (rate limit), a refused connection, a silent server', async () => {
    const busy = await raw('greeting-421');
    const c421 = check(await audit('one.probe.example', [route(MX1, busy)]), 'smtp/reachable');
    assert.equal(c421.status, 'error');
    assert.deepEqual(c421.findings, []);
    assert.match(c421.error!, /421 4\.7\.0 .*try again later/);

    const refused = check(await audit('one.probe.example', [route(MX1, { address: await closedPort() })]), 'smtp/reachable');
    assert.equal(refused.status, 'error');
    assert.match(refused.error!, /connection refused on port 25/);

    const silent = await raw('silent');
    const s = check(await audit('one.probe.example', [route(MX1, silent)], { greetingTimeoutMs: 300 }), 'smtp/reachable');
    assert.equal(s.status, 'error');
    assert.equal(s.findings[0]!.code, 'smtp/reachable.no-greeting', 'every server silent: the finding says why nothing was tested');
    assert.match(s.findings[0]!.remediation!, /--greeting-timeout/);
  });

  test('error with the port-25 hint when every connection of every MX times out (dialer test double)', async () => {
    // The double fails like NetDialer's connect timeout; test/cli/probe-timeouts.test.ts does it for real.
    const env = probeEnv(dns, []);
    const timingOut: Dialer = {
      destination: (r) => ({ host: r.host, port: r.port }),
      dial: (r) => new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error(`connect to ${r.host}:${r.port} timed out after ${r.timeoutMs} ms`), { code: 'ETIMEDOUT' })), 20)),
    };
    const report = await probeAudit('two.probe.example', { dns, connectTo: [], env: { ...env, dialer: timingOut } });
    const c = check(report, 'smtp/reachable');
    assert.equal(c.status, 'error');
    const hint = c.findings.find((f) => f.code === 'smtp/reachable.port-blocked')!;
    assert.equal(hint.severity, 'info');
    assert.match(hint.message, /Every connection to port 25 \(3 addresses\) timed out: outbound port 25 is probably blocked from this network/);
    assert.match(hint.remediation!, /--no-smtp/);
    for (const id of ['tls/starttls', 'tls/certificate', 'relay/open']) assert.equal(check(report, id).status, 'error', id);
  });

  test('no hint when only some connections time out', async () => {
    const server = await mta({ name: 'mx2.mx.probe.example' });
    const env = probeEnv(dns, [route(MX1, server), route(MX2, server)]);
    const real = env.dialer;
    const partly: Dialer = {
      destination: (r) => real.destination(r),
      dial: (r) => (r.host === MX2_V6 ? Promise.reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })) : real.dial(r)),
    };
    const c = check(await probeAudit('two.probe.example', { dns, connectTo: [], env: { ...env, dialer: partly } }), 'smtp/reachable');
    assert.equal(c.status, 'error');
    assert.deepEqual(c.findings, []);
    assert.match(c.error!, /2001:db8:25::126 \(mx2\.mx\.probe\.example\): no answer to the connection on port 25/);
  });

  test('skipped: --no-smtp, a null MX; error: the MX lookup failed', async () => {
    const off = await audit('one.probe.example', [], { smtp: false });
    for (const id of ['smtp/reachable', 'smtp/banner', 'smtp/auth-plaintext', 'tls/starttls', 'tls/protocol', 'tls/certificate', 'relay/open']) {
      const c = check(off, id);
      assert.equal(c.status, 'skipped', id);
      assert.equal(c.skippedReason, 'live SMTP probes are disabled (--no-smtp)');
    }
    const nullMx = check(await audit('null-mx.example', []), 'smtp/reachable');
    assert.equal(nullMx.status, 'skipped');
    assert.match(nullMx.skippedReason!, /null MX/);
    const servfail = check(await audit('mx-servfail.example', []), 'smtp/reachable');
    assert.equal(servfail.status, 'error');
    assert.match(servfail.error!, /MX lookups failed/);
  });
});

describe('smtp/banner', () => {
  test('pass: greeting and EHLO name the PTR name', async () => {
    const server = await mta();
    const c = check(await audit('one.probe.example', [route(MX1, server)]), 'smtp/banner');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /greeting mx1\.mx\.probe\.example, EHLO mx1\.mx\.probe\.example, PTR mx1\.mx\.probe\.example/);
    // smtp-server names no software: the fingerprint says so rather than guess
    assert.equal(c.notes![1], '203.0.113.125 (mx1.mx.probe.example): MTA not recognised (neither the banner nor the other replies name it)');
  });

  test('warn: names that differ from the PTR name, or are not fully qualified', async () => {
    const other = await mta({ name: 'other.mx.probe.example' });
    const c = check(await audit('one.probe.example', [route(MX1, other)]), 'smtp/banner');
    assert.equal(c.status, 'warn');
    assert.deepEqual(c.findings.map((f) => f.code), ['smtp/banner.greeting-mismatch', 'smtp/banner.ehlo-mismatch']);
    assert.match(c.findings[0]!.message, /names other\.mx\.probe\.example, but the address's PTR name is mx1\.mx\.probe\.example/);
    const local = await raw('recording-relay', 'localhost');
    const l = check(await audit('one.probe.example', [route(MX1, local)], { relay: false }), 'smtp/banner');
    assert.equal(l.status, 'warn');
    assert.ok(l.findings.some((f) => f.code === 'smtp/banner.greeting-not-fqdn'));
  });

  test('error when the server cannot be reached; skipped when no address has a PTR name', async () => {
    const busy = await raw('greeting-421');
    assert.equal(check(await audit('one.probe.example', [route(MX1, busy)]), 'smtp/banner').status, 'error');
    const server = await mta({ name: 'noptr.mx.probe.example' });
    const c = check(await audit('noptr.probe.example', [route('203.0.113.133', server)]), 'smtp/banner');
    assert.equal(c.status, 'skipped');
    assert.match(c.skippedReason!, /no MX address has a PTR name/);
  });
});

describe('smtp/auth-plaintext', () => {
  test('pass: AUTH is not offered before TLS', async () => {
    const server = await mta();
    const c = check(await audit('one.probe.example', [route(MX1, server)]), 'smtp/auth-plaintext');
    assert.equal(c.status, 'pass');
    assert.match(c.notes![0]!, /no AUTH before TLS/);
  });

  test('warn: AUTH PLAIN LOGIN on the plaintext session, with the EHLO line as evidence', async () => {
    const server = await mta({ cert: null, authBeforeTls: true });
    const c = check(await audit('one.probe.example', [route(MX1, server)]), 'smtp/auth-plaintext');
    assert.equal(c.status, 'warn');
    const f = c.findings[0]!;
    assert.equal(f.code, 'smtp/auth-plaintext.offered');
    assert.match(f.message, /offers AUTH PLAIN LOGIN before STARTTLS; PLAIN and LOGIN send the password in the clear/);
    assert.match(f.message, /does not even offer STARTTLS/);
    assert.ok(f.evidence.includes('250 AUTH PLAIN LOGIN'));
  });

  test('error when the EHLO reply could not be seen; skipped with --no-smtp', async () => {
    const busy = await raw('greeting-421');
    assert.equal(check(await audit('one.probe.example', [route(MX1, busy)]), 'smtp/auth-plaintext').status, 'error');
    assert.equal(check(await audit('one.probe.example', [], { smtp: false }), 'smtp/auth-plaintext').status, 'skipped');
  });
});
