// Each DNS outcome of the MX lookup ends in its own status, through the whole engine:
// NXDOMAIN and NODATA are answers (fail), SERVFAIL and timeouts are "could not tell" (error).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../src/core/audit.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { exitCodeFor } from '../../src/core/exit-code.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { assertValidReport } from '../support/schema.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

async function mxPresent(domain: string) {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  const report = await audit(domain, { env, only: ['mx', 'ptr'], options: { smtp: false } });
  assertValidReport(report);
  return { report, check: report.checks.find((c) => c.id === 'mx/present')! };
}

test('NXDOMAIN: the domain does not exist -> fail', async () => {
  const { check, report } = await mxPresent('does-not-exist.example');
  assert.equal(check.status, 'fail');
  assert.equal(check.findings[0]!.code, 'mx/present.domain-not-found');
  assert.equal(exitCodeFor([report], 'fail'), 1);
});

test('NODATA with no address records -> fail (no-mx)', async () => {
  const { check } = await mxPresent('no-mail.example');
  assert.equal(check.status, 'fail');
  assert.equal(check.findings[0]!.code, 'mx/present.no-mx');
});

test('SERVFAIL -> error naming SERVFAIL, and the dependent PTR checks are error too; exit 3', async () => {
  const { check, report } = await mxPresent('mx-servfail.example');
  assert.equal(check.status, 'error');
  assert.match(check.error!, /ESERVFAIL/);
  assert.equal(report.checks.find((c) => c.id === 'ptr/present')!.status, 'error');
  assert.equal(exitCodeFor([report], 'fail'), 3);
});

test('timeout -> error naming the timeout', async () => {
  const { check } = await mxPresent('mx-timeout.example');
  assert.equal(check.status, 'error');
  assert.match(check.error!, /ETIMEOUT/);
});

test('a PTR timeout makes ptr/present error while mx checks pass', async () => {
  const { report } = await mxPresent('ptr-timeout.example');
  const status = (id: string) => report.checks.find((c) => c.id === id)!.status;
  assert.equal(status('mx/present'), 'pass');
  assert.equal(status('mx/targets'), 'pass');
  assert.equal(status('ptr/present'), 'error');
  assert.match(report.checks.find((c) => c.id === 'ptr/present')!.error!, /192\.0\.2\.42: PTR lookup failed: ETIMEOUT/);
});
