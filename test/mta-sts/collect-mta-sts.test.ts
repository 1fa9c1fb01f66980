// The MTA-STS collector and checks end to end in-process: fixture DNS plus the loopback HTTPS
// policy server, trusted through options.extra.trustedCa.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { Report } from '../../src/core/report-types.ts';
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

function run(domain: string, trusted = true): Promise<Report> {
  const env = createAuditEnv({
    resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1,
    connectTo: [...server.connectTo(), `mta-sts.sts-unreachable.example:443=127.0.0.1:${unreachable}`],
  });
  return audit(domain, {
    env, only: ['mta-sts'],
    options: { smtp: false, timeoutMs: 1500, extra: trusted ? { trustedCa: [fixtureCaPem()] } : {} },
  });
}

const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;
const codes = (report: Report, id: string) => check(report, id).findings.map((f) => f.code);

test('enforce with every MX covered: both checks pass and the facts expose mode enforce', async () => {
  const r = await run('sts-enforce.example');
  assert.equal(check(r, 'mta-sts/present').status, 'pass');
  assert.equal(check(r, 'mta-sts/policy').status, 'pass', JSON.stringify(check(r, 'mta-sts/policy')));
  const facts = (r.facts.mtaSts as { value: { mode: string; mxHosts: string[]; records: string[] } }).value;
  assert.equal(facts.mode, 'enforce');
  assert.deepEqual(facts.mxHosts, ['mx1.sts-enforce.example', 'mx2.sts-enforce.example']);
  assert.ok(check(r, 'mta-sts/policy').notes!.some((n) => /Every MX host .* matches the mx patterns \(\*\.sts-enforce\.example\); mode enforce/.test(n)));
});

test('testing and none modes are info; the mode is still exposed', async () => {
  const testing = await run('sts-testing.example');
  assert.equal(check(testing, 'mta-sts/policy').status, 'info');
  assert.deepEqual(codes(testing, 'mta-sts/policy'), ['mta-sts/policy.mode-testing']);
  assert.equal((testing.facts.mtaSts as { value: { mode: string } }).value.mode, 'testing');
  const none = await run('sts-none.example');
  assert.equal(check(none, 'mta-sts/policy').status, 'info');
  assert.deepEqual(codes(none, 'mta-sts/policy'), ['mta-sts/policy.mode-none']);
});

test('an MX host outside the mx patterns fails, naming the host', async () => {
  const r = await run('sts-uncovered.example');
  assert.equal(check(r, 'mta-sts/policy').status, 'fail');
  assert.deepEqual(check(r, 'mta-sts/policy').findings.map((f) => [f.code, f.subject]), [['mta-sts/policy.mx-not-covered', 'backup.other-provider.example']]);
});

test('an invalid policy fails with the parser\'s findings and no mode', async () => {
  const r = await run('sts-invalid.example');
  assert.equal(check(r, 'mta-sts/policy').status, 'fail');
  assert.deepEqual(codes(r, 'mta-sts/policy'), ['mta-sts/policy.policy-mode-invalid', 'mta-sts/policy.policy-max-age-missing']);
  assert.equal((r.facts.mtaSts as { value: { mode: null } }).value.mode, null);
});

test('redirect, wrong content type, not found, too large: fail', async () => {
  for (const [domain, code] of [
    ['sts-redirect.example', 'redirect'], ['sts-ctype.example', 'content-type'],
    ['sts-notfound.example', 'http-status'], ['sts-large.example', 'too-large'],
  ] as const) {
    const r = await run(domain);
    assert.equal(check(r, 'mta-sts/policy').status, 'fail', domain);
    assert.deepEqual(codes(r, 'mta-sts/policy'), [`mta-sts/policy.${code}`], domain);
  }
});

test('a certificate for the wrong name, a self-signed one, and an untrusted CA: fail bad-certificate', async () => {
  for (const [domain, trusted] of [['sts-wrongname.example', true], ['sts-untrusted.example', true], ['sts-enforce.example', false]] as const) {
    const r = await run(domain, trusted);
    assert.equal(check(r, 'mta-sts/policy').status, 'fail', domain);
    assert.deepEqual(codes(r, 'mta-sts/policy'), ['mta-sts/policy.bad-certificate'], domain);
  }
});

test('an unreachable, silent or missing policy host fails; a DNS failure is error', async () => {
  for (const domain of ['sts-unreachable.example', 'sts-hang.example', 'sts-nohost.example']) {
    const r = await run(domain);
    assert.equal(check(r, 'mta-sts/policy').status, 'fail', domain);
    assert.deepEqual(codes(r, 'mta-sts/policy'), ['mta-sts/policy.unreachable'], domain);
  }
  const dnsFail = await run('sts-dnsfail.example');
  assert.equal(check(dnsFail, 'mta-sts/policy').status, 'error');
});

test('mta-sts/present: none is info; two records, a bad id and a discarded record fail; no fetch without a record', async () => {
  const none = await run('dmarc-reject.example');
  assert.equal(check(none, 'mta-sts/present').status, 'info');
  assert.equal(check(none, 'mta-sts/policy').status, 'skipped');
  assert.equal(server.requests.filter((q) => q.host === 'mta-sts.dmarc-reject.example').length, 0);
  assert.deepEqual(codes(await run('sts-multi.example'), 'mta-sts/present'), ['mta-sts/present.multiple-records']);
  assert.deepEqual(codes(await run('sts-badtxt.example'), 'mta-sts/present'), ['mta-sts/present.id-invalid']);
  const near = await run('sts-nearmiss.example');
  assert.equal(check(near, 'mta-sts/present').status, 'fail');
  assert.deepEqual(codes(near, 'mta-sts/present'), ['mta-sts/present.not-sts-record']);
});
