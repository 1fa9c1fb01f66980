// The dmarc/* checks over hand-built facts: every status each check can end in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import externalReporting from '../../src/checks/dmarc/external-reporting.ts';
import pct from '../../src/checks/dmarc/pct.ts';
import policy from '../../src/checks/dmarc/policy.ts';
import present from '../../src/checks/dmarc/present.ts';
import reporting from '../../src/checks/dmarc/reporting.ts';
import singleRecord from '../../src/checks/dmarc/single-record.ts';
import syntax from '../../src/checks/dmarc/syntax.ts';
import type { DmarcExternalDestination, DmarcFacts } from '../../src/collect/dmarc.ts';
import type { LookupFact } from '../../src/core/facts.ts';
import { interpretTreeWalk, treeWalkNames } from '../../src/dmarc/tree-walk.ts';
import { judge } from '../support/run-check.ts';

type Answer = string[] | 'error';

/** Facts for `domain` whose walk finds the given TXT records (absent names: NXDOMAIN). */
function dmarcFacts(domain: string, records: Record<string, Answer>, extra: Partial<DmarcFacts> = {}): DmarcFacts {
  const walk = treeWalkNames(domain).map((name) => {
    const answer = records[name];
    const txt: LookupFact<string> = answer === 'error'
      ? { outcome: 'error', values: [], error: 'ETIMEOUT: no answer within 3000 ms' }
      : answer && answer.length > 0 ? { outcome: 'ok', values: answer } : { outcome: 'nxdomain', values: [] };
    return { domain: name, name: `_dmarc.${name}`, txt };
  });
  const r = interpretTreeWalk(walk.map((s) => ({ domain: s.domain, txt: s.txt.values, failed: s.txt.outcome === 'error' })));
  return {
    domain, walk, stoppedAt: r.stoppedAt === null ? null : walk[r.stoppedAt]!.domain, orgDomain: r.orgDomain,
    orgDomainRule: r.orgDomainRule, pslOrgDomain: domain.split('.').slice(-2).join('.'), applied: r.applied,
    incomplete: r.incomplete, domainExists: true, existence: { a: 'ok', aaaa: 'nodata', mx: 'ok' }, external: [], ...extra,
  };
}

const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);

test('dmarc/present: pass, info when inherited, fail when missing or duplicated, error on a timeout', () => {
  const own = judge(present, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject'] }) });
  assert.equal(own.status, 'pass');
  assert.match(own.notes![0]!, /_dmarc\.example\.com: v=DMARC1; p=reject/);

  const inherited = judge(present, { dmarc: dmarcFacts('mail.example.com', { 'example.com': ['v=DMARC1; p=reject; sp=quarantine'] }) });
  assert.equal(inherited.status, 'info');
  assert.deepEqual(codes(inherited), ['dmarc/present.inherited']);
  assert.match(inherited.findings[0]!.message, /inherits the one at _dmarc\.example\.com .*sp tag \(for existing subdomains\) applies: quarantine/);

  const missing = judge(present, { dmarc: dmarcFacts('example.com', {}) });
  assert.equal(missing.status, 'fail');
  assert.deepEqual(codes(missing), ['dmarc/present.missing']);
  assert.match(missing.findings[0]!.remediation!, /v=DMARC1; p=none; rua=mailto:/);

  const nearMiss = judge(present, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=dmarc1; p=reject'] }) });
  assert.equal(nearMiss.status, 'fail');
  assert.match(nearMiss.findings[0]!.message, /does not start with "v=DMARC1"/);

  const two = judge(present, { dmarc: dmarcFacts('mail.example.com', {
    'mail.example.com': ['v=DMARC1; p=reject', 'v=DMARC1; p=none'], 'example.com': ['v=DMARC1; p=quarantine'],
  }) });
  assert.equal(two.status, 'fail');
  assert.deepEqual(codes(two), ['dmarc/present.multiple-records']);
  assert.match(two.findings[0]!.message, /RFC 7489 receivers apply no DMARC at all\. RFC 9989 receivers discard them and use _dmarc\.example\.com/);

  const timeout = judge(present, { dmarc: dmarcFacts('example.com', { 'example.com': 'error' }) });
  assert.equal(timeout.status, 'error');
  assert.match(timeout.error!, /ETIMEOUT/);
  const parentTimeout = judge(present, { dmarc: dmarcFacts('mail.example.com', { 'example.com': 'error' }) });
  assert.equal(parentTimeout.status, 'error');
});

test('dmarc/present notes when the Public Suffix List disagrees with the tree walk', () => {
  const f = dmarcFacts('mail.dept.example.com', { 'dept.example.com': ['v=DMARC1; p=reject; psd=n'] }, { pslOrgDomain: 'example.com' });
  const r = judge(present, { dmarc: f });
  assert.ok(r.notes!.some((n) => /tree walk \(RFC 9989\) finds the organizational domain dept\.example\.com .*Public Suffix List \(RFC 7489\) gives example\.com/.test(n)));
  const same = judge(present, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=none'] }, { pslOrgDomain: 'example.com' }) });
  assert.ok(!(same.notes ?? []).some((n) => /Public Suffix List/.test(n)));
});

test('dmarc/single-record: pass with one record, fail at the domain or at a parent, error when unknown', () => {
  assert.equal(judge(singleRecord, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject', 'v=spf1 -all'] }) }).status, 'pass');
  const own = judge(singleRecord, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject', 'v=DMARC1; p=none'] }) });
  assert.equal(own.status, 'fail');
  assert.equal(own.findings[0]!.subject, '_dmarc.example.com');
  assert.deepEqual(own.findings[0]!.evidence, ['v=DMARC1; p=reject', 'v=DMARC1; p=none']);
  const parent = judge(singleRecord, { dmarc: dmarcFacts('mail.example.com', { 'example.com': ['v=DMARC1; p=reject', 'v=DMARC1; p=none'] }) });
  assert.equal(parent.status, 'fail');
  assert.match(parent.findings[0]!.message, /cannot inherit a policy from example\.com/);
  assert.equal(judge(singleRecord, { dmarc: dmarcFacts('example.com', { 'example.com': 'error' }) }).status, 'error');
});

test('dmarc/syntax: duplicate and unknown tags, near-miss records, info-only records, skipped without a record', () => {
  const bad = judge(syntax, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; p=none; rue=mailto:d@example.com'] }) });
  assert.equal(bad.status, 'fail');
  assert.deepEqual(codes(bad), ['dmarc/syntax.tag-duplicate', 'dmarc/syntax.tag-unknown']);
  assert.equal(bad.findings[1]!.severity, 'warn');
  const unknownOnly = judge(syntax, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; foo=bar'] }) });
  assert.equal(unknownOnly.status, 'warn');
  const info = judge(syntax, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; pct=100'] }) });
  assert.equal(info.status, 'info');
  assert.deepEqual(codes(info), ['dmarc/syntax.tag-obsolete']);
  const nearMiss = judge(syntax, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=dmarc1; p=reject'] }) });
  assert.equal(nearMiss.status, 'fail');
  assert.deepEqual(codes(nearMiss), ['dmarc/syntax.version-invalid']);
  assert.equal(judge(syntax, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=quarantine; rua=mailto:d@example.com'] }) }).status, 'pass');
  assert.equal(judge(syntax, { dmarc: dmarcFacts('example.com', {}) }).status, 'skipped');
});

test('dmarc/policy: pass on reject, warn on none, sp=none or np=none under a stronger p, and broken policies', () => {
  const reject = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject'] }) });
  assert.equal(reject.status, 'pass');
  assert.match(reject.notes![0]!, /p=reject applies to example\.com/);
  const none = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=none'] }) });
  assert.equal(none.status, 'warn');
  assert.deepEqual(codes(none), ['dmarc/policy.p-none']);
  const spNone = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; sp=none; np=none'] }) });
  assert.deepEqual(codes(spNone), ['dmarc/policy.sp-none', 'dmarc/policy.np-none']);
  const spQuarantine = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; sp=quarantine'] }) });
  assert.equal(spQuarantine.status, 'pass');
  const notApplied = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=maybe'] }) });
  assert.deepEqual(codes(notApplied), ['dmarc/policy.not-applied']);
  const readAsNone = judge(policy, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=maybe; rua=mailto:d@example.com'] }) });
  assert.deepEqual(codes(readAsNone), ['dmarc/policy.read-as-none']);
  assert.equal(judge(policy, { dmarc: dmarcFacts('example.com', {}) }).status, 'skipped');
});

test('dmarc/policy: an inherited policy is noted, and np applies to a domain that does not exist', () => {
  const record = { 'example.com': ['v=DMARC1; p=reject; sp=quarantine; np=none'] };
  const existing = judge(policy, { dmarc: dmarcFacts('mail.example.com', record) });
  assert.equal(existing.status, 'pass');
  assert.match(existing.notes![0]!, /inherited from _dmarc\.example\.com; mail\.example\.com exists, so sp applies before p; the deciding tag is sp/);
  const ghost = judge(policy, { dmarc: dmarcFacts('ghost.example.com', record, { domainExists: false }) });
  assert.equal(ghost.status, 'warn');
  assert.deepEqual(codes(ghost), ['dmarc/policy.np-none']);
  assert.match(ghost.findings[0]!.message, /inherits np=none from _dmarc\.example\.com/);
});

test('dmarc/pct: pass at 100 or absent, warn below 100 and in test mode, skipped without a record', () => {
  assert.equal(judge(pct, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject'] }) }).status, 'pass');
  assert.equal(judge(pct, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; pct=100'] }) }).status, 'pass');
  const half = judge(pct, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=quarantine; pct=50'] }) });
  assert.equal(half.status, 'warn');
  assert.deepEqual(codes(half), ['dmarc/pct.below-100']);
  assert.match(half.findings[0]!.message, /pct=50 .* only 50% of failing mail/);
  const noneHalf = judge(pct, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=none; pct=50'] }) });
  assert.match(noneHalf.findings[0]!.message, /with a policy of none it changes nothing yet/);
  const testing = judge(pct, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; t=y'] }) });
  assert.deepEqual(codes(testing), ['dmarc/pct.test-mode']);
  assert.equal(judge(pct, { dmarc: dmarcFacts('example.com', {}) }).status, 'skipped');
});

test('dmarc/reporting: pass with a mailto rua, warn without rua, with only invalid or only non-mailto URIs', () => {
  const ok = judge(reporting, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; rua=mailto:d@example.com'] }) });
  assert.equal(ok.status, 'pass');
  assert.match(ok.notes![0]!, /d@example\.com/);
  assert.deepEqual(codes(judge(reporting, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject'] }) })), ['dmarc/reporting.no-rua']);
  assert.deepEqual(codes(judge(reporting, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; rua=d@example.com'] }) })), ['dmarc/reporting.no-valid-rua']);
  assert.deepEqual(codes(judge(reporting, { dmarc: dmarcFacts('example.com', { 'example.com': ['v=DMARC1; p=reject; rua=https://r.example.com/in'] }) })), ['dmarc/reporting.no-mailto-rua']);
  assert.equal(judge(reporting, { dmarc: dmarcFacts('example.com', {}) }).status, 'skipped');
});

function destination(host: string, authorized: boolean | null): DmarcExternalDestination {
  const name = `example.com._report._dmarc.${host}`;
  return {
    host, uris: [`mailto:r@${host}`], tags: ['rua'], name,
    lookup: authorized === null ? { outcome: 'error', values: [], error: 'ESERVFAIL: SERVFAIL' } : authorized ? { outcome: 'ok', values: ['v=DMARC1'] } : { outcome: 'nxdomain', values: [] },
    wildcardName: `*._report._dmarc.${host}`, wildcard: { outcome: 'nxdomain', values: [] },
    authorized, authorizedBy: authorized ? name : null,
  };
}

test('dmarc/external-reporting: pass when authorized or internal, warn naming each unauthorized host, error on failed lookups', () => {
  const base = { 'example.com': ['v=DMARC1; p=reject; rua=mailto:r@vendor.net'] };
  const internal = judge(externalReporting, { dmarc: dmarcFacts('example.com', base) });
  assert.equal(internal.status, 'pass');
  assert.match(internal.notes![0]!, /inside the organizational domain/);
  const authorized = judge(externalReporting, { dmarc: dmarcFacts('example.com', base, { external: [destination('vendor.net', true)] }) });
  assert.equal(authorized.status, 'pass');
  assert.match(authorized.notes![0]!, /vendor\.net \(rua\) is authorized by example\.com\._report\._dmarc\.vendor\.net/);
  const unauthorized = judge(externalReporting, { dmarc: dmarcFacts('example.com', base, { external: [destination('vendor.net', true), destination('other.org', false)] }) });
  assert.equal(unauthorized.status, 'warn');
  assert.deepEqual(unauthorized.findings.map((f) => [f.code, f.subject]), [['dmarc/external-reporting.unauthorized', 'other.org']]);
  assert.match(unauthorized.findings[0]!.message, /example\.com\._report\._dmarc\.other\.org or \*\._report\._dmarc\.other\.org/);
  const failed = judge(externalReporting, { dmarc: dmarcFacts('example.com', base, { external: [destination('vendor.net', null)] }) });
  assert.equal(failed.status, 'error');
  assert.match(failed.error!, /ESERVFAIL/);
  assert.equal(judge(externalReporting, { dmarc: dmarcFacts('example.com', {}) }).status, 'skipped');
});
