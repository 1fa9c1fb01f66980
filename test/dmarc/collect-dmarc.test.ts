// The DMARC collector against the fixture DNS server (fixtures/zones/dmarc-cases.zone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dmarcCollector, type DmarcFacts } from '../../src/collect/dmarc.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import { parseTarget } from '../../src/core/target.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

function collect(domain: string): Promise<DmarcFacts> {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  return dmarcCollector.collect({
    target: parseTarget(domain), env, options: DEFAULT_OPTIONS,
    need: () => Promise.reject(new Error('the DMARC collector needs no other fact')),
  });
}

test('a domain with its own record: applied from the domain, walk up to the TLD, PSL agrees', async () => {
  const f = await collect('dmarc-reject.example');
  assert.deepEqual(f.walk.map((s) => s.name), ['_dmarc.dmarc-reject.example', '_dmarc.example']);
  assert.deepEqual(f.applied, { domain: 'dmarc-reject.example', source: 'domain', record: 'v=DMARC1; p=reject; rua=mailto:dmarc@dmarc-reject.example' });
  assert.equal(f.orgDomain, 'dmarc-reject.example');
  assert.equal(f.pslOrgDomain, 'dmarc-reject.example');
  assert.equal(f.domainExists, true);
  assert.deepEqual(f.external, []);
  JSON.parse(JSON.stringify(f)); // plain JSON
});

test('a subdomain inherits the organizational record; existence decides sp or np', async () => {
  const sub = await collect('sub.dmarc-inherit.example');
  assert.equal(sub.applied?.source, 'organizational-domain');
  assert.equal(sub.applied?.domain, 'dmarc-inherit.example');
  assert.equal(sub.domainExists, true);
  const missing = await collect('missing.dmarc-inherit.example');
  assert.equal(missing.applied?.domain, 'dmarc-inherit.example');
  assert.equal(missing.domainExists, false);
  assert.deepEqual(missing.existence, { a: 'nxdomain', aaaa: 'nxdomain', mx: 'nxdomain' });
});

test('a nine-label name walks with at most 8 queries, jumping to seven labels', async () => {
  const f = await collect('a.b.c.d.e.f.g.dmarc-deep.example');
  assert.equal(f.walk.length, 8);
  assert.equal(f.walk[1]!.domain, 'c.d.e.f.g.dmarc-deep.example');
  assert.equal(dns.queriesFor('_dmarc.b.c.d.e.f.g.dmarc-deep.example', 'TXT').length, 0, 'the 8-label name is skipped');
  assert.equal(f.applied?.domain, 'dmarc-deep.example');
});

test('psd=n below the registered domain: the tree walk and the PSL disagree', async () => {
  const f = await collect('mail.dept.dmarc-orgsplit.example');
  assert.equal(f.orgDomain, 'dept.dmarc-orgsplit.example');
  assert.equal(f.orgDomainRule, 'psd-n');
  assert.equal(f.stoppedAt, 'dept.dmarc-orgsplit.example');
  assert.equal(f.pslOrgDomain, 'dmarc-orgsplit.example');
  assert.equal(f.applied?.record, 'v=DMARC1; p=reject; psd=n');
});

test('a public suffix domain record (psd=y) applies when the organizational domain has none', async () => {
  const f = await collect('brand.dmarc-psd.example');
  assert.equal(f.orgDomain, 'brand.dmarc-psd.example');
  assert.equal(f.orgDomainRule, 'psd-y');
  assert.deepEqual(f.applied, { domain: 'dmarc-psd.example', source: 'public-suffix-domain', record: 'v=DMARC1; p=reject; psd=y' });
});

test('external report destinations: authorized by name, by wildcard, or not at all; internal ones are not looked up', async () => {
  const f = await collect('dmarc-external.example');
  const byHost = Object.fromEntries(f.external.map((d) => [d.host, d]));
  assert.deepEqual(Object.keys(byHost).sort(), ['dmarc-noauth.example', 'dmarc-wild.example', 'reports.dmarc-authz.example']);
  assert.equal(byHost['reports.dmarc-authz.example']!.authorized, true);
  assert.equal(byHost['reports.dmarc-authz.example']!.authorizedBy, 'dmarc-external.example._report._dmarc.reports.dmarc-authz.example');
  assert.equal(byHost['dmarc-wild.example']!.authorized, true);
  assert.equal(byHost['dmarc-noauth.example']!.authorized, false);
  assert.deepEqual(byHost['dmarc-noauth.example']!.tags, ['ruf']);
  assert.equal(byHost['dmarc-noauth.example']!.lookup.outcome, 'nxdomain');
  assert.equal(dns.queriesFor('dmarc-external.example._report._dmarc.dmarc-external.example', 'TXT').length, 0);
});

test('several records at the domain are kept as data; the walk continues past them', async () => {
  const f = await collect('dmarc-multi.example');
  assert.equal(f.walk[0]!.txt.values.length, 2);
  assert.equal(f.applied, null);
});

test('a timeout is data: the step is an error and the walk is incomplete', async () => {
  const f = await collect('dmarc-timeout.example');
  assert.equal(f.walk[0]!.txt.outcome, 'error');
  assert.match(f.walk[0]!.txt.error!, /ETIMEOUT/);
  assert.equal(f.incomplete, true);
  assert.equal(f.applied, null);
});
