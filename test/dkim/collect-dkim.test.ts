// The DKIM collector against the fixture DNS server (fixtures/zones/dkim-cases.zone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dkimCollector, type DkimFacts } from '../../src/collect/dkim.ts';
import { mxCollector } from '../../src/collect/mx.ts';
import type { AuditEnv } from '../../src/core/context.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { FactKey, FactMap } from '../../src/core/facts.ts';
import { parseTarget } from '../../src/core/target.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

async function collect(domain: string, selectors: string[] = [], env?: AuditEnv): Promise<DkimFacts> {
  const auditEnv = env ?? createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  const target = parseTarget(domain);
  const options = { ...DEFAULT_OPTIONS, selectors };
  const need = async <K extends FactKey>(key: K): Promise<FactMap[K]> => {
    if (key !== 'mx') throw new Error(`unexpected need(${key})`);
    return await mxCollector.collect({ target, env: auditEnv, options, need: () => Promise.reject(new Error('no')) }) as FactMap[K];
  };
  return dkimCollector.collect({ target, env: auditEnv, options, need });
}

test('Google Workspace is inferred from the MX and the SPF include, and its selector is tried first', async () => {
  const f = await collect('dkim-good.example');
  assert.deepEqual(f.inferred.map((i) => [i.provider, i.reason]), [['Google Workspace', 'MX smtp.google.com']]);
  assert.equal(f.tried[0], 'google');
  const google = f.lookups.find((l) => l.selector === 'google')!;
  assert.equal(google.txt.outcome, 'ok');
  assert.ok(google.sources.some((s) => /^inferred: Google Workspace/.test(s)));
  assert.ok(google.sources.includes('catalogue: Google Workspace'));
  assert.equal(f.wildcard, false);
  // absent selectors are counted, not kept
  assert.equal(f.lookups.length + f.absent, f.tried.length);
  assert.ok(f.tried.includes('selector1') && f.tried.includes('protonmail3') && f.tried.includes('default'));
});

test('every selector is asked once, even when the run asks again (the resolver caches)', async () => {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  await collect('dkim-weak.example', [], env);
  await collect('dkim-weak.example', [], env);
  assert.equal(dns.queriesFor('s1._domainkey.dkim-weak.example', 'TXT').length, 1);
  assert.equal(dns.queriesFor('selector2._domainkey.dkim-weak.example', 'TXT').length, 1);
});

test('given selectors come first and are kept even when absent', async () => {
  const f = await collect('dkim-given.example', ['custom2026', 'nosuch']);
  assert.deepEqual(f.given, ['custom2026', 'nosuch']);
  assert.deepEqual(f.tried.slice(0, 2), ['custom2026', 'nosuch']);
  const custom = f.lookups.find((l) => l.selector === 'custom2026')!;
  assert.deepEqual(custom.sources, ['given']);
  assert.equal(custom.txt.outcome, 'ok');
  assert.equal(f.lookups.find((l) => l.selector === 'nosuch')!.txt.outcome, 'nxdomain');
});

test('a _domainkey wildcard is detected by the random probe and matching answers are marked', async () => {
  const f = await collect('dkim-wildcard.example');
  assert.equal(f.wildcard, true);
  assert.match(f.probe.selector, /^smtp-audit-probe-[0-9a-f]{12}$/);
  const real = f.lookups.find((l) => l.selector === 'fm1')!;
  assert.equal(real.wildcard, false);
  assert.ok(f.lookups.filter((l) => l.wildcard).length > 10, 'every other selector matched the wildcard');
});

test('CNAMEs are followed and the hosting provider recognised', async () => {
  const f = await collect('dkim-ms.example');
  const s1 = f.lookups.find((l) => l.selector === 'selector1')!;
  assert.deepEqual(s1.txt.cnames, ['selector1-dkim-ms-example._domainkey.dkimms.onmicrosoft.com']);
  assert.equal(s1.provider, 'Microsoft 365');
  assert.equal(s1.txt.outcome, 'ok');
  assert.deepEqual(f.inferred.map((i) => i.provider), ['Microsoft 365']);
});

test('timeouts are data: the lookups end as errors', async () => {
  const f = await collect('dkim-timeout.example');
  assert.equal(f.probe.txt.outcome, 'error');
  assert.ok(f.lookups.length > 20);
  assert.ok(f.lookups.every((l) => l.txt.outcome === 'error'));
});
