// dnsbl/ip and dnsbl/domain over hand-built facts: every status each check can end in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ipCheck from '../../src/checks/dnsbl/ip.ts';
import domainCheck from '../../src/checks/dnsbl/domain.ts';
import type { DnsblAnswerFact, DnsblFacts, DnsblListFacts, DnsblSanityFact, DnsblSubjectFact, DnsblTestPointFact } from '../../src/dnsbl/dnsbl-facts.ts';
import { LISTING_FAIL_WEIGHT, listingSeverity } from '../../src/dnsbl/judge-dnsbl.ts';
import { judge } from '../support/run-check.ts';

function point(expected: 'listed' | 'not-listed', verdict: DnsblTestPointFact['verdict'], codes: string[] = [], meanings: string[] = []): DnsblTestPointFact {
  const p = expected === 'listed' ? '127.0.0.2' : '127.0.0.1';
  return {
    point: p, expected, queryName: `${p.split('.').reverse().join('.')}.zone`,
    lookup: verdict === 'error' ? { outcome: 'error', values: [], error: 'ETIMEOUT: no answer within 3000 ms' } : { outcome: codes.length > 0 ? 'ok' : 'nxdomain', values: codes },
    verdict, codes, meanings, detail: null, ok: verdict === expected,
  };
}

const GOOD: DnsblSanityFact = { usable: true, reason: null, listed: point('listed', 'listed', ['127.0.0.2'], ['test']), notListed: point('not-listed', 'not-listed') };

function list(zone: string, extra: Partial<DnsblListFacts> = {}): DnsblListFacts {
  return {
    zone, name: zone, kind: 'ip', ipv6: false, weight: 9, info: null, removal: null, queryForm: null,
    refusesPublicResolvers: false, unconfirmed: [], curated: false, sanity: GOOD, ...extra,
  };
}

function answer(zone: string, subject: string, verdict: DnsblAnswerFact['verdict'], extra: Partial<DnsblAnswerFact> = {}): DnsblAnswerFact {
  return {
    zone, kind: 'ip', subject, queryName: `${subject.split('.').reverse().join('.')}.${zone}`, verdict,
    addresses: [], codes: [], meanings: [], detail: null, txt: [], txtError: null, error: null, ...extra,
  };
}

function ipSubject(address: string, extra: Partial<DnsblSubjectFact> = {}): DnsblSubjectFact {
  return { kind: 'ip', subject: address, family: address.includes(':') ? 6 : 4, sources: ['mx'], hosts: ['mx.example.com'], notApplicable: null, ...extra };
}

function facts(extra: Partial<DnsblFacts>): { dnsbl: DnsblFacts } {
  return { dnsbl: { mxKind: 'mx', mxError: null, mxUnresolved: [], subjects: [ipSubject('192.0.2.1')], lists: [], answers: [], ...extra } };
}

const SPAMHAUSLIKE = list('zen.example', {
  name: 'Example ZEN', weight: 10, curated: true, refusesPublicResolvers: true,
  info: 'https://zen.example/info', removal: 'https://zen.example/lookup',
});

test('pass: every usable list answers not listed; the note counts lists checked and clean', () => {
  const r = judge(ipCheck, facts({ lists: [list('a.example'), list('b.example')], answers: [answer('a.example', '192.0.2.1', 'not-listed'), answer('b.example', '192.0.2.1', 'not-listed')] }));
  assert.equal(r.status, 'pass');
  assert.deepEqual(r.notes, ['Checked 2 IP blocklists for 192.0.2.1: 2 clean.']);
});

test('fail: a listing names the list, the codes with meanings, the TXT reason and the removal URL', () => {
  const r = judge(ipCheck, facts({
    lists: [SPAMHAUSLIKE],
    answers: [answer('zen.example', '192.0.2.1', 'listed', {
      addresses: ['127.0.0.4'], codes: ['127.0.0.4'], meanings: ['XBL: exploited host'], txt: ['https://zen.example/query/ip/192.0.2.1'],
    })],
  }));
  assert.equal(r.status, 'fail');
  assert.equal(r.title, 'A mail server address is listed on an IP blocklist');
  const f = r.findings[0]!;
  assert.equal(f.code, 'dnsbl/ip.listed');
  assert.equal(f.subject, '192.0.2.1');
  assert.equal(f.message, '192.0.2.1 (mx.example.com) is listed on Example ZEN (zen.example): 127.0.0.4: XBL: exploited host; the list says "https://zen.example/query/ip/192.0.2.1".');
  assert.match(f.remediation!, /then request removal at https:\/\/zen\.example\/lookup\.$/);
  assert.ok(f.evidence.includes('A 1.2.0.192.zen.example: 127.0.0.4'));
  assert.ok(f.evidence.includes('TXT 1.2.0.192.zen.example: "https://zen.example/query/ip/192.0.2.1"'));
  assert.deepEqual(r.notes, ['Checked 1 IP blocklist for 192.0.2.1: 0 clean, 1 listing.']);
});

test('warn: a listing only on a light list (weight below 5) warns, and says why', () => {
  assert.equal(LISTING_FAIL_WEIGHT, 5);
  assert.equal(listingSeverity(5), 'fail');
  assert.equal(listingSeverity(4), 'warn');
  const light = list('light.example', { name: 'Light', weight: 2, unconfirmed: ['codes'] });
  const r = judge(ipCheck, facts({ lists: [light], answers: [answer('light.example', '192.0.2.1', 'listed', { addresses: ['127.0.0.2'], codes: ['127.0.0.2'], meanings: ['listed (answer 127.0.0.2; Light gives no per-code meaning)'] })] }));
  assert.equal(r.status, 'warn');
  assert.equal(r.findings[0]!.severity, 'warn');
  assert.match(r.findings[0]!.message, /receivers give this list little weight \(2 of 10\); Light does not document what its answer codes mean\.$/);
});

test('error: a list that fails its test points from this resolver (refused), with advice for public resolvers', () => {
  const refused: DnsblSanityFact = {
    usable: false, reason: 'it refused the queries for its test points 127.0.0.2 and 127.0.0.1 (127.255.255.254: public resolver)',
    listed: point('listed', 'refused', ['127.255.255.254'], ['public resolver']), notListed: point('not-listed', 'refused', ['127.255.255.254'], ['public resolver']),
  };
  const r = judge(ipCheck, facts({ lists: [{ ...SPAMHAUSLIKE, sanity: refused }], answers: [answer('zen.example', '192.0.2.1', 'not-queried', { queryName: null, error: 'unusable' })] }));
  assert.equal(r.status, 'error');
  assert.deepEqual(r.findings, [], 'a refusal is never a listing');
  assert.equal(r.error, 'zen.example: unusable from this resolver: it refuses this resolver (test point 127.0.0.2 answered 127.255.255.254: public resolver)');
  assert.deepEqual(r.notes, [
    'Checked 1 IP blocklist for 192.0.2.1: 0 clean, 1 could not be checked.',
    'Could not check Example ZEN (zen.example): it refused the queries for its test points 127.0.0.2 and 127.0.0.1 (127.255.255.254: public resolver).',
    "Example ZEN refuses queries that arrive through public or shared resolvers: audit through your own recursive resolver (--resolver), or use the operator's subscription service.",
  ]);
});

test('error: refused, rewritten and failed answers for a subject; never findings', () => {
  const cases: Array<[DnsblAnswerFact['verdict'], Partial<DnsblAnswerFact>, RegExp]> = [
    ['refused', { codes: ['127.255.255.254'], meanings: ['public resolver'], error: 'refused' }, /192\.0\.2\.1: refused \(127\.255\.255\.254: public resolver\)/],
    ['invalid', { codes: ['198.51.100.7'], error: 'rewritten' }, /answer 198\.51\.100\.7 is outside 127\.0\.0\.0\/8/],
    ['invalid', { codes: ['127.0.0.99'], error: 'undefined' }, /answer 127\.0\.0\.99 is not a code the list defines/],
    ['error', { error: 'the lookup of 1.2.0.192.a.example failed: ESERVFAIL' }, /192\.0\.2\.1: lookup failed \(ESERVFAIL\)/],
  ];
  for (const [verdict, extra, pattern] of cases) {
    const r = judge(ipCheck, facts({ lists: [list('a.example')], answers: [answer('a.example', '192.0.2.1', verdict, extra)] }));
    assert.equal(r.status, 'error', verdict);
    assert.deepEqual(r.findings, []);
    assert.match(r.error!, pattern);
  }
});

test('many lists failing the same way: one line per list, the advice once', () => {
  const missing = (zone: string) => list(zone, { sanity: { usable: false, reason: 'its always-listed test point 127.0.0.2 is not listed (NXDOMAIN)', listed: point('listed', 'not-listed'), notListed: point('not-listed', 'not-listed') } });
  const zones = ['a.example', 'b.example', 'c.example'];
  const r = judge(ipCheck, facts({ lists: zones.map(missing), answers: zones.map((z) => answer(z, '192.0.2.1', 'not-queried')) }));
  assert.equal(r.status, 'error');
  assert.equal(r.error, zones.map((z) => `${z}: unusable from this resolver: its always-listed test point 127.0.0.2 is not listed`).join('; '));
  assert.deepEqual(r.notes, [
    'Checked 3 IP blocklists for 192.0.2.1: 0 clean, 3 could not be checked.',
    ...zones.map((z) => `Could not check ${z}: its always-listed test point 127.0.0.2 is not listed (NXDOMAIN).`),
    'Check the zone name; if it is right, the list may have shut down or this resolver cannot reach it (try --resolver).',
  ]);
});

test('a failing listing beats an erroring list; a warning listing does not hide it (error)', () => {
  const broken = list('broken.example', { sanity: { usable: false, reason: 'x', listed: point('listed', 'not-listed'), notListed: point('not-listed', 'not-listed') } });
  const listedOn = (l: DnsblListFacts) => answer(l.zone, '192.0.2.1', 'listed', { addresses: ['127.0.0.2'], codes: ['127.0.0.2'], meanings: ['spam'] });
  const heavy = list('heavy.example');
  const failing = judge(ipCheck, facts({ lists: [heavy, broken], answers: [listedOn(heavy), answer('broken.example', '192.0.2.1', 'not-queried')] }));
  assert.equal(failing.status, 'fail');
  assert.match(failing.error!, /broken\.example: unusable from this resolver: its always-listed test point 127\.0\.0\.2 is not listed/);
  const light = list('light.example', { weight: 3 });
  const warning = judge(ipCheck, facts({ lists: [light, broken], answers: [listedOn(light), answer('broken.example', '192.0.2.1', 'not-queried')] }));
  assert.equal(warning.status, 'error');
  assert.equal(warning.findings[0]!.severity, 'warn', 'the warning is still reported');
});

test('skipped: null MX, no MX addresses, only private addresses, no lists, only IPv4 lists for an IPv6 address', () => {
  assert.equal(judge(ipCheck, facts({ mxKind: 'null-mx', subjects: [] })).status, 'skipped');
  assert.equal(judge(ipCheck, facts({ mxKind: 'none', subjects: [] })).status, 'skipped');
  const privateOnly = judge(ipCheck, facts({ subjects: [ipSubject('10.0.0.1', { notApplicable: '10.0.0.1 is private' })] }));
  assert.equal(privateOnly.status, 'skipped');
  assert.equal(privateOnly.skippedReason, 'no public address to look up');
  const noLists = judge(ipCheck, facts({ lists: [] }));
  assert.equal(noLists.status, 'skipped');
  assert.match(noLists.skippedReason!, /no IP blocklists were selected/);
  const v6 = judge(ipCheck, facts({
    subjects: [ipSubject('2001:db8::1')],
    lists: [list('a.example', { sanity: null })],
    answers: [answer('a.example', '2001:db8::1', 'not-applicable', { queryName: null, detail: 'a.example accepts IPv4 queries only' })],
  }));
  assert.equal(v6.status, 'skipped');
  assert.match(v6.skippedReason!, /no selected IP blocklist can be asked about 2001:db8::1/);
});

test('error: the MX addresses are unknown (lookup failed, collector failed, a host unresolved)', () => {
  const unknown = judge(ipCheck, facts({ mxKind: 'unknown', subjects: [] }));
  assert.equal(unknown.status, 'error');
  assert.match(unknown.error!, /MX lookup failed/);
  assert.equal(judge(ipCheck, facts({ mxKind: null, mxError: 'mx facts unavailable: boom', subjects: [] })).status, 'error');
  const partial = judge(ipCheck, facts({
    mxUnresolved: [{ host: 'mx2.example.com', error: 'ETIMEOUT' }],
    lists: [list('a.example')], answers: [answer('a.example', '192.0.2.1', 'not-listed')],
  }));
  assert.equal(partial.status, 'error');
  assert.match(partial.error!, /mx2\.example\.com: the addresses of this MX host could not be looked up \(ETIMEOUT\)/);
});

test('dnsbl/domain: pass, fail, error and skipped', () => {
  const domainSubject: DnsblSubjectFact = { kind: 'domain', subject: 'example.com', family: null, sources: ['domain', 'organizational-domain'], hosts: [], notApplicable: null };
  const dbl = list('dbl.example', { kind: 'domain', name: 'Example DBL', queryForm: 'domain', removal: 'https://dbl.example/remove' });
  const base = { subjects: [ipSubject('192.0.2.1'), domainSubject], lists: [dbl] };
  const domainAnswer = (verdict: DnsblAnswerFact['verdict'], extra: Partial<DnsblAnswerFact> = {}) => ({ ...answer('dbl.example', 'example.com', verdict, extra), kind: 'domain' as const, queryName: 'example.com.dbl.example' });
  assert.equal(judge(domainCheck, facts({ ...base, answers: [domainAnswer('not-listed')] })).status, 'pass');
  const listed = judge(domainCheck, facts({ ...base, answers: [domainAnswer('listed', { addresses: ['127.0.1.2'], codes: ['127.0.1.2'], meanings: ['spam domain'] })] }));
  assert.equal(listed.status, 'fail');
  assert.equal(listed.findings[0]!.code, 'dnsbl/domain.listed');
  assert.equal(listed.findings[0]!.message, 'example.com is listed on Example DBL (dbl.example): 127.0.1.2: spam domain.');
  assert.match(listed.findings[0]!.remediation!, /request removal at https:\/\/dbl\.example\/remove\.$/);
  const refused = judge(domainCheck, facts({ ...base, answers: [domainAnswer('refused', { codes: ['127.0.1.255'], meanings: ['IP queried on a domain list'], error: 'refused' })] }));
  assert.equal(refused.status, 'error');
  assert.deepEqual(refused.findings, []);
  assert.equal(judge(domainCheck, facts({ ...base, lists: [] })).status, 'skipped');
  assert.equal(judge(domainCheck, facts({ subjects: [ipSubject('192.0.2.1', { sources: ['target'] })] }), '192.0.2.1').status, 'skipped', 'not applicable to an IP target');
});
