// The MTA-STS policy fetch against the loopback HTTPS policy server: every outcome.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createAuditEnv } from '../../src/core/env.ts';
import { fetchMtaStsPolicy, isTextPlain, type PolicyFetchFact } from '../../src/mta-sts/fetch-policy.ts';
import { policyTrustAnchors, trustedCaOption } from '../../src/mta-sts/trust-store.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { fixtureCaPem, startHttpsPolicyServer, type HttpsPolicyServer } from '../../src/testnet/https-policy-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { closedPort, STS_ROUTES } from './policy-routes.ts';

let dns: FixtureDnsServer;
let server: HttpsPolicyServer;
let unreachable: number;
before(async () => {
  dns = await startTestDns();
  server = await startHttpsPolicyServer({ routes: STS_ROUTES });
  unreachable = await closedPort();
});
after(async () => { await server.stop(); await dns.stop(); });

function fetch(domain: string, options: { timeoutMs?: number; ca?: string[]; maxBytes?: number } = {}): Promise<PolicyFetchFact> {
  const env = createAuditEnv({
    resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1,
    connectTo: [...server.connectTo(), `mta-sts.sts-unreachable.example:443=127.0.0.1:${unreachable}`],
  });
  return fetchMtaStsPolicy({
    domain, resolver: env.resolver, dialer: env.dialer, clock: env.clock,
    timeoutMs: options.timeoutMs ?? 3000, ca: options.ca ?? [fixtureCaPem()], maxBytes: options.maxBytes,
  });
}

test('a good policy: 200, text/plain, the body, the verified certificate, through the dialer', async () => {
  const f = await fetch('sts-enforce.example');
  assert.equal(f.outcome, 'ok', f.error ?? '');
  assert.equal(f.url, 'https://mta-sts.sts-enforce.example/.well-known/mta-sts.txt');
  assert.equal(f.status, 200);
  assert.equal(f.contentType, 'text/plain');
  assert.match(f.body!, /^version: STSv1\r\nmode: enforce\r\n/);
  assert.equal(f.address, '192.0.2.70');
  assert.equal(f.destination, server.address);
  assert.ok(f.certificate!.altNames.includes('DNS:mta-sts.sts-enforce.example'));
  assert.match(f.certificate!.issuer!, /smtp-audit fixture CA/);
  assert.match(f.tlsVersion!, /^TLSv1\.[23]$/);
  const request = server.requests.find((r) => r.host === 'mta-sts.sts-enforce.example')!;
  assert.deepEqual(request, { servername: 'mta-sts.sts-enforce.example', host: 'mta-sts.sts-enforce.example', path: '/.well-known/mta-sts.txt' });
  JSON.parse(JSON.stringify(f));
});

test('a redirect is not followed', async () => {
  const f = await fetch('sts-redirect.example');
  assert.equal(f.outcome, 'redirect');
  assert.equal(f.status, 301);
  assert.equal(f.location, 'https://www.sts-redirect.example/mta-sts.txt');
  assert.equal(server.requests.filter((r) => r.host === 'www.sts-redirect.example').length, 0);
});

test('other statuses, the wrong media type and an oversized body are failures', async () => {
  const notFound = await fetch('sts-notfound.example');
  assert.equal(notFound.outcome, 'http-status');
  assert.equal(notFound.status, 404);
  const html = await fetch('sts-ctype.example');
  assert.equal(html.outcome, 'content-type');
  assert.equal(html.contentType, 'text/html');
  assert.match(html.body!, /mode: enforce/);
  const large = await fetch('sts-large.example');
  assert.equal(large.outcome, 'too-large');
  assert.ok(large.bytes! > 64 * 1024);
  assert.equal(large.body, null);
  const capped = await fetch('sts-enforce.example', { maxBytes: 10 });
  assert.equal(capped.outcome, 'too-large');
});

test('certificates: the wrong name and an unknown CA fail verification; without the test CA nothing verifies', async () => {
  const wrong = await fetch('sts-wrongname.example');
  assert.equal(wrong.outcome, 'certificate');
  assert.equal(wrong.errorCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.match(wrong.error!, /mta-sts\.sts-wrongname\.example/);
  const untrusted = await fetch('sts-untrusted.example');
  assert.equal(untrusted.outcome, 'certificate');
  assert.equal(untrusted.errorCode, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  const publicRootsOnly = await fetch('sts-enforce.example', { ca: [...tls.rootCertificates] });
  assert.equal(publicRootsOnly.outcome, 'certificate');
  assert.match(publicRootsOnly.errorCode!, /UNABLE_TO_(GET_ISSUER_CERT_LOCALLY|VERIFY_LEAF_SIGNATURE)/);
});

test('unreachable, silent, missing and unresolvable policy hosts', async () => {
  const refused = await fetch('sts-unreachable.example');
  assert.equal(refused.outcome, 'connect');
  assert.equal(refused.errorCode, 'ECONNREFUSED');
  const hang = await fetch('sts-hang.example', { timeoutMs: 300 });
  assert.equal(hang.outcome, 'timeout');
  assert.match(hang.error!, /HTTP answer within 300 ms/);
  assert.ok(hang.certificate, 'the TLS part completed');
  const nohost = await fetch('sts-nohost.example');
  assert.equal(nohost.outcome, 'no-address');
  assert.equal(nohost.a.outcome, 'nxdomain');
  const dnsFail = await fetch('sts-dnsfail.example');
  assert.equal(dnsFail.outcome, 'dns-error');
});

test('isTextPlain accepts parameters and case, nothing else', () => {
  assert.equal(isTextPlain('text/plain'), true);
  assert.equal(isTextPlain('Text/Plain; charset=UTF-8'), true);
  assert.equal(isTextPlain('text/plainx'), false);
  assert.equal(isTextPlain('text/html'), false);
  assert.equal(isTextPlain(null), false);
});

test('trust anchors: Node\'s roots, the NODE_EXTRA_CA_CERTS file (read again), --ca-file and options.extra.trustedCa', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-ca-'));
  const file = join(dir, 'extra.pem');
  writeFileSync(file, fixtureCaPem());
  const anchors = policyTrustAnchors({ trustedCa: ['PEM-FROM-OPTIONS', 42] }, { NODE_EXTRA_CA_CERTS: file });
  assert.equal(anchors.length, tls.rootCertificates.length + 2);
  assert.equal(anchors.at(-2), fixtureCaPem());
  assert.equal(anchors.at(-1), 'PEM-FROM-OPTIONS');
  assert.equal(policyTrustAnchors({}, { NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') }).length, tls.rootCertificates.length);
  assert.deepEqual(trustedCaOption({ trustedCa: 'not an array' }), []);
  // --ca-file certificates (options.caCertificates) are trusted too
  assert.equal(policyTrustAnchors({}, {}, ['PEM-FROM-CA-FILE']).at(-1), 'PEM-FROM-CA-FILE');
});
