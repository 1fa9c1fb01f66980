// The probe of one address against fixture MTAs: every outcome distinct, every step timed, the
// transcript kept however far the session got.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DEFAULT_OPTIONS, type AuditEnv, type AuditOptions } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { Dialer } from '../../src/net/dial.ts';
import { probeAddress } from '../../src/probe/probe-address.ts';
import type { SmtpAddressProbe } from '../../src/probe/types.ts';
import { fixtureRootCa } from '../../src/testnet/mta/fixture-certs.ts';
import { startRawMta, type RawBehaviour, type RawMta } from '../../src/testnet/mta/raw-mta.ts';
import { startSmtpServerMta, type FixtureMta, type SmtpServerMtaOptions } from '../../src/testnet/mta/smtp-server-mta.ts';

const ADDRESS = '203.0.113.125';
const HOST = 'mx1.mx.probe.example';

function options(extra: Partial<AuditOptions> = {}): AuditOptions {
  return { ...DEFAULT_OPTIONS, timeoutMs: 2000, greetingTimeoutMs: 1500, ehloName: 'probe.smtp-audit.invalid', caCertificates: [fixtureRootCa()], ...extra };
}

function envTo(destination: string): AuditEnv {
  return createAuditEnv({ resolvers: ['127.0.0.1:9'], connectTo: [`${ADDRESS}:25=${destination}`] });
}

async function probe(destination: string, extra: Partial<AuditOptions> = {}, env = envTo(destination)): Promise<SmtpAddressProbe> {
  return probeAddress(env, options(extra), { address: ADDRESS, family: 4, hosts: [HOST], localDomain: 'one.probe.example' });
}

const started: Array<{ stop(): Promise<void> }> = [];
async function mta(o: Partial<SmtpServerMtaOptions> = {}): Promise<FixtureMta> {
  const m = await startSmtpServerMta({ name: HOST, cert: 'valid', localDomains: ['one.probe.example'], ...o });
  started.push(m);
  return m;
}
async function raw(behaviour: RawBehaviour, o: Record<string, unknown> = {}): Promise<RawMta> {
  const m = await startRawMta({ behaviour, name: HOST, ...o });
  started.push(m);
  return m;
}
after(async () => { await Promise.all(started.map((s) => s.stop())); });

const text = (p: SmtpAddressProbe) => p.transcript.entries.map((e) => `${e.dir} ${e.text}`);

describe('a well-configured STARTTLS server', () => {
  let server: FixtureMta;
  let p: SmtpAddressProbe;
  before(async () => {
    server = await mta();
    p = await probe(server.address);
  });

  test('completes every step, each timed, through the --connect-to destination', () => {
    assert.equal(p.outcome, 'completed');
    assert.equal(p.error, null);
    assert.equal(p.destination, server.address);
    // the relay test spreads its forms over several sessions: the main one ends (QUIT) when it moves on
    assert.ok(p.relay!.sessions > 1);
    assert.deepEqual(p.steps.filter((s) => !s.name.includes(': ')).map((s) => s.name), ['connect', 'banner', 'EHLO', 'STARTTLS', 'TLS handshake', 'EHLO (TLS)', 'relay test', 'QUIT']);
    assert.ok(p.steps.filter((s) => !s.name.includes(': ')).every((s) => s.ok), 'main session steps succeed');
    assert.ok(p.steps.every((s) => Number.isInteger(s.ms) && s.ms >= 0));
    assert.ok(p.steps.some((s) => s.name === 'TLSv1 try: TLS handshake' && !s.ok), 'the refused version try is a failed step');
    assert.equal(p.banner!.code, 220);
    assert.equal(p.bannerHost, HOST);
    assert.equal(p.ehlo!.command, 'EHLO');
    assert.equal(p.ehlo!.domain, HOST);
    assert.ok(p.ehlo!.starttls && p.ehlo!.pipelining);
  });

  test('records the TLS session: version, cipher, key exchange, SNI, the full chain and trust', () => {
    assert.equal(p.starttls.outcome, 'ok');
    const t = p.tls!;
    assert.equal(t.protocol, 'TLSv1.3');
    assert.match(t.cipher, /^TLS_/);
    assert.ok(t.keyExchange && t.keyExchange.length > 0);
    assert.equal(t.serverName, HOST);
    assert.equal(t.authorized, true);
    assert.equal(t.authorizationError, null);
    assert.deepEqual(t.chain.map((c) => c.commonName), ['mx1.good.example', 'smtp-audit Test Intermediate CA', 'smtp-audit Test Root CA'], 'the walk stops at the self-issued root');
    assert.ok(p.ehloTls && !p.ehloTls.starttls, 'STARTTLS is no longer offered over TLS');
  });

  test('keeps the whole transcript, timed from the connect, and never sends DATA', () => {
    const lines = text(p);
    assert.match(lines[0]!, /^\* connecting to 203\.0\.113\.125:25 via 127\.0\.0\.1:\d+$/);
    assert.ok(lines.includes('C EHLO probe.smtp-audit.invalid'));
    assert.ok(lines.includes('C STARTTLS'));
    assert.ok(lines.some((l) => /^\* TLS handshake: TLSv1\.3/.test(l)));
    assert.ok(lines.includes('C QUIT'));
    const times = p.transcript.entries.map((e) => e.t);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'times never go back');
    assert.ok(!lines.some((l) => /^C (DATA|BDAT)/i.test(l)));
    assert.equal(server.dataCommands, 0);
  });

  test('tries TLS 1.0 and 1.1 in separate sessions and learns 1.2 too', () => {
    const v = p.versions!;
    assert.equal(v.versions['TLSv1']!.result, 'refused');
    assert.equal(v.versions['TLSv1.1']!.result, 'refused');
    assert.equal(v.versions['TLSv1.2']!.result, 'accepted');
    assert.equal(v.versions['TLSv1.3']!.via, 'main-handshake');
    assert.equal(v.highest, 'TLSv1.3');
    assert.equal(v.lowest, 'TLSv1.2');
    assert.deepEqual(p.otherTranscripts.map((t) => t.purpose).filter((t) => t.includes('TLS version')), ['TLSv1 only (TLS version test)', 'TLSv1.1 only (TLS version test)', 'TLSv1.2 only (TLS version test)']);
    assert.equal(server.connections, p.relay!.sessions + 3, 'the relay test\'s sessions plus three version tries, one after another');
  });

  test('the relay test ran over TLS and found it closed', () => {
    assert.equal(p.relay!.over, 'tls');
    assert.equal(p.relay!.verdict, 'closed');
    assert.equal(p.relay!.tries.length, 16);
  });
});

test('a refused connection is connect-refused, with the attempt in the transcript', async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
  const p = await probe(`127.0.0.1:${closed}`);
  assert.equal(p.outcome, 'connect-refused');
  assert.equal(p.error!.kind, 'refused');
  assert.equal(p.error!.code, 'ECONNREFUSED');
  assert.equal(p.banner, null);
  assert.equal(p.starttls.outcome, 'not-tried');
  assert.match(text(p)[0]!, /connecting to 203\.0\.113\.125:25/);
  assert.equal(p.relayNotRun, 'the server could not be reached far enough to try');
});

test('connect timeouts and missing routes are their own outcomes (dialer test double)', async () => {
  // A dialer double that fails the way NetDialer does; the real connect timeout is exercised by
  // test/cli/probe-timeouts.test.ts against a port whose accept queue is full.
  for (const [code, outcome] of [['ETIMEDOUT', 'connect-timeout'], ['ENETUNREACH', 'no-route'], ['EPERM', 'connect-error']] as const) {
    const dialer: Dialer = {
      destination: (r) => ({ host: r.host, port: r.port }),
      dial: () => Promise.reject(Object.assign(new Error(`connect ${code}`), { code })),
    };
    const env = { ...envTo('127.0.0.1:9'), dialer };
    const p = await probe('unused', {}, env);
    assert.equal(p.outcome, outcome, code);
    assert.equal(p.error!.code, code);
    assert.deepEqual(p.steps.map((s) => [s.name, s.ok]), [['connect', false]]);
  }
});

test('a silent server is a greeting timeout, not "no STARTTLS"', async () => {
  const server = await raw('silent');
  const p = await probe(server.address, { greetingTimeoutMs: 300 });
  assert.equal(p.outcome, 'greeting-timeout');
  assert.equal(p.error!.kind, 'timeout');
  assert.equal(p.starttls.outcome, 'not-tried');
  assert.ok(text(p).some((l) => /timeout after 300 ms waiting for greeting/.test(l)));
});

test('a 421 greeting is temporary; a 554 greeting is a refusal, answered with QUIT', async () => {
  const busy = await raw('greeting-421');
  const p421 = await probe(busy.address);
  assert.equal(p421.outcome, 'greeting-temporary');
  assert.equal(p421.banner!.code, 421);
  const refusing = await raw('banner-554');
  const p554 = await probe(refusing.address);
  assert.equal(p554.outcome, 'greeting-rejected');
  assert.equal(p554.banner!.code, 554);
  assert.deepEqual(refusing.lines, ['QUIT'], 'RFC 5321 3.1: QUIT after a 554 greeting, nothing else');
});

test('an endless multi-line greeting is cut off by the reply limits', async () => {
  const server = await raw('endless-multiline');
  const p = await probe(server.address);
  assert.equal(p.outcome, 'greeting-malformed');
  assert.equal(p.error!.kind, 'protocol');
  assert.match(p.error!.message, /more than 100 lines/);
});

test('a server that hangs up after EHLO keeps banner and EHLO; STARTTLS is unknown, not missing', async () => {
  const server = await raw('close-after-ehlo');
  const p = await probe(server.address);
  assert.equal(p.outcome, 'completed');
  assert.ok(p.ehlo!.starttls);
  assert.equal(p.starttls.outcome, 'error');
  assert.equal(p.starttls.error!.kind, 'closed');
  assert.match(p.relayNotRun!, /session ended before the relay test/);
  assert.ok(text(p).some((l) => l.startsWith('S 250 STARTTLS')));
});

test('a failed handshake is told apart, and the relay test moves to a plaintext session', async () => {
  const server = await raw('handshake-failure');
  const p = await probe(server.address);
  assert.equal(p.starttls.outcome, 'handshake-failed');
  assert.equal(p.starttls.error!.kind, 'tls');
  assert.equal(p.tls, null);
  assert.equal(p.relay!.over, 'plaintext');
  assert.equal(p.relay!.verdict, 'closed');
  assert.ok(p.otherTranscripts.some((t) => /relay test \(plaintext, after the TLS handshake failed\)/.test(t.purpose)));
  assert.ok(!server.lines.some((l) => /^(DATA|BDAT)/i.test(l)));
});

test('STARTTLS answered 454 is "refused"; the session goes on in plaintext', async () => {
  const server = await raw('starttls-454');
  const p = await probe(server.address);
  assert.equal(p.starttls.outcome, 'refused');
  assert.equal(p.starttls.reply!.code, 454);
  assert.equal(p.relay!.over, 'plaintext');
});

test('EHLO refused with 5xx falls back to HELO; both refused is ehlo-failed', async () => {
  const old = await raw('helo-only');
  const p = await probe(old.address);
  assert.equal(p.outcome, 'completed');
  assert.equal(p.ehlo!.command, 'HELO');
  assert.equal(p.ehlo!.ehloRefused!.code, 502);
  assert.equal(p.starttls.outcome, 'not-offered');
  const rude = await raw('ehlo-refused');
  const q = await probe(rude.address);
  assert.equal(q.outcome, 'ehlo-failed');
  assert.match(q.error!.message, /EHLO answered 500 and HELO 502/);
});

test('a server speaking only TLS 1.0/1.1 fails the main handshake; the version tries show why', async () => {
  const server = await mta({ cert: 'legacy', minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
  const p = await probe(server.address);
  assert.equal(p.starttls.outcome, 'handshake-failed');
  const v = p.versions!.versions;
  assert.equal(v['TLSv1']!.result, 'accepted');
  assert.equal(v['TLSv1.1']!.result, 'accepted');
  assert.equal(v['TLSv1.2']!.result, 'refused');
  assert.equal(p.versions!.highest, 'TLSv1.1');
  assert.equal(p.versions!.lowest, 'TLSv1');
});

test('without the test CA the chain is untrusted, and the probe says why', async () => {
  const server = await mta();
  const p = await probe(server.address, { caCertificates: [] });
  assert.equal(p.tls!.authorized, false);
  assert.match(p.tls!.authorizationError!, /UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN/);
});

test('--no-relay: no relay commands at all', async () => {
  const server = await mta();
  const p = await probe(server.address, { relay: false });
  assert.equal(p.relay, null);
  assert.match(p.relayNotRun!, /--no-relay/);
  assert.deepEqual(server.commands, []);
});
