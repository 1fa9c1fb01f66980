// bimi/present over hand-built facts, and its collector against the fixture DNS server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import present from '../../src/checks/bimi/present.ts';
import { bimiCollector, type BimiFacts } from '../../src/collect/bimi.ts';
import { dmarcCollector, type DmarcFacts } from '../../src/collect/dmarc.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import { createAuditEnv } from '../../src/core/env.ts';
import type { FactKey, FactMap, LookupFact } from '../../src/core/facts.ts';
import { parseTarget } from '../../src/core/target.ts';
import { interpretTreeWalk, treeWalkNames } from '../../src/dmarc/tree-walk.ts';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { judge } from '../support/run-check.ts';

const ok = (...values: string[]): LookupFact<string> => ({ outcome: 'ok', values });
const nx = (): LookupFact<string> => ({ outcome: 'nxdomain', values: [] });
const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);
const LOGO = 'v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem';

function dmarc(domain: string, records: Record<string, string>): DmarcFacts {
  const walk = treeWalkNames(domain).map((name) => ({ domain: name, name: `_dmarc.${name}`, txt: records[name] ? ok(records[name]!) : nx() }));
  const r = interpretTreeWalk(walk.map((s) => ({ domain: s.domain, txt: s.txt.values })));
  return {
    domain, walk, stoppedAt: null, orgDomain: r.orgDomain, orgDomainRule: r.orgDomainRule, pslOrgDomain: r.orgDomain,
    applied: r.applied, incomplete: false, domainExists: true, existence: { a: 'ok', aaaa: 'ok', mx: 'ok' }, external: [],
  };
}

function bimi(txt: LookupFact<string>, patch: Partial<BimiFacts> = {}): BimiFacts {
  return { domain: 'example.com', selector: 'default', name: 'default._bimi.example.com', txt, orgDomain: 'example.com', fallback: null, ...patch };
}

const REJECT = dmarc('example.com', { 'example.com': 'v=DMARC1; p=reject' });

test('bimi/present: pass with a valid record and DMARC reject; info when absent or declined', () => {
  const r = judge(present, { bimi: bimi(ok(LOGO)), dmarc: REJECT });
  assert.equal(r.status, 'pass');
  assert.match(r.notes![0]!, /default\._bimi\.example\.com: v=BIMI1/);
  const none = judge(present, { bimi: bimi(nx()), dmarc: REJECT });
  assert.equal(none.status, 'info');
  assert.deepEqual(codes(none), ['bimi/present.none']);
  const declined = judge(present, { bimi: bimi(ok('v=BIMI1; l=; a=;')), dmarc: dmarc('example.com', { 'example.com': 'v=DMARC1; p=none' }) });
  assert.equal(declined.status, 'info');
  assert.deepEqual(codes(declined), ['bimi/present.declined']);
});

test('bimi/present: warn when DMARC does not enforce, at the domain or at its organizational domain', () => {
  const none = judge(present, { bimi: bimi(ok(LOGO)), dmarc: dmarc('example.com', { 'example.com': 'v=DMARC1; p=none' }) });
  assert.equal(none.status, 'warn');
  assert.deepEqual(codes(none), ['bimi/present.dmarc-not-enforcing']);
  assert.match(none.findings[0]!.message, /BIMI requires DMARC at quarantine \(pct=100\) or reject/);
  const partial = judge(present, { bimi: bimi(ok(LOGO)), dmarc: dmarc('example.com', { 'example.com': 'v=DMARC1; p=quarantine; pct=50' }) });
  assert.match(partial.findings[0]!.message, /quarantine at pct=50/);
  const missing = judge(present, { bimi: bimi(ok(LOGO)), dmarc: dmarc('example.com', {}) });
  assert.match(missing.findings[0]!.message, /no DMARC record applies/);
  const weakOrg = judge(present, {
    bimi: bimi(ok(LOGO), { domain: 'mail.example.com', name: 'default._bimi.mail.example.com' }),
    dmarc: dmarc('mail.example.com', { 'mail.example.com': 'v=DMARC1; p=reject', 'example.com': 'v=DMARC1; p=none' }),
  });
  assert.equal(weakOrg.status, 'warn');
  assert.match(weakOrg.findings[0]!.message, /organizational domain example\.com has p=none/);
});

test('bimi/present: fail when invalid, duplicated or discarded; error when the lookup fails', () => {
  const bad = judge(present, { bimi: bimi(ok('v=BIMI1; l=http://example.com/logo.png')), dmarc: REJECT });
  assert.equal(bad.status, 'fail');
  assert.deepEqual(codes(bad), ['bimi/present.l-not-https']);
  assert.deepEqual(codes(judge(present, { bimi: bimi(ok(LOGO, LOGO.replace('logo', 'other'))), dmarc: REJECT })), ['bimi/present.multiple-records']);
  const near = judge(present, { bimi: bimi(ok('v=bimi1; l=https://example.com/logo.svg')), dmarc: REJECT });
  assert.deepEqual(codes(near), ['bimi/present.not-bimi-record']);
  assert.equal(judge(present, { bimi: bimi({ outcome: 'error', values: [], error: 'ETIMEOUT' }), dmarc: REJECT }).status, 'error');
});

test('bimi/present: the organizational domain\'s record is used as a fallback, and noted', () => {
  const r = judge(present, {
    bimi: bimi(nx(), { domain: 'mail.example.com', name: 'default._bimi.mail.example.com', fallback: { name: 'default._bimi.example.com', txt: ok(LOGO) } }),
    dmarc: dmarc('mail.example.com', { 'example.com': 'v=DMARC1; p=reject' }),
  });
  assert.equal(r.status, 'pass');
  assert.match(r.notes![0]!, /default\._bimi\.mail\.example\.com has no BIMI record; receivers fall back to default\._bimi\.example\.com/);
});

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

test('the BIMI collector reads default._bimi and falls back to the DMARC organizational domain', async () => {
  const env = createAuditEnv({ resolvers: [dns.address], dnsTimeoutMs: 300, dnsTries: 1 });
  const collect = async (domain: string) => {
    const target = parseTarget(domain);
    const dmarcFacts = await dmarcCollector.collect({ target, env, options: DEFAULT_OPTIONS, need: () => Promise.reject(new Error('no')) });
    const need = async <K extends FactKey>(key: K): Promise<FactMap[K]> => (key === 'dmarc' ? dmarcFacts : Promise.reject(new Error(key))) as FactMap[K];
    return { bimi: await bimiCollector.collect({ target, env, options: DEFAULT_OPTIONS, need }), dmarc: dmarcFacts };
  };
  const good = await collect('bimi-good.example');
  assert.equal(good.bimi.fallback, null);
  assert.equal(judge(present, good).status, 'pass');
  const sub = await collect('sub.bimi-good.example');
  assert.equal(sub.bimi.orgDomain, 'bimi-good.example');
  assert.equal(sub.bimi.fallback?.name, 'default._bimi.bimi-good.example');
  assert.equal(judge(present, sub).status, 'pass');
  assert.equal(judge(present, await collect('bimi-weak.example')).status, 'warn');
  assert.equal(judge(present, await collect('bimi-bad.example')).status, 'fail');
  assert.equal(judge(present, await collect('bimi-declined.example')).status, 'info');
  assert.equal(judge(present, await collect('bimi-multi.example')).status, 'fail');
  assert.equal(judge(present, await collect('dmarc-reject.example')).status, 'info');
});
