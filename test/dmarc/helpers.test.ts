// The Public Suffix List view, the external-report helpers and the applied-policy rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DmarcFacts } from '../../src/collect/dmarc.ts';
import { appliedPolicy, isEnforcing } from '../../src/dmarc/applied-policy.ts';
import { isAtOrBelow, pslOrganizationalDomain } from '../../src/dmarc/public-suffix.ts';
import {
  authorizes, isExternalDestination, reportAuthorizationName, reportDestinations, wildcardAuthorizationName,
} from '../../src/dmarc/report-authorization.ts';
import { parseDmarc } from '../../src/parse/dmarc-record.ts';
import { conformancePath } from '../support/conformance.ts';

test('pslOrganizationalDomain matches every active official PSL test vector', () => {
  const text = readFileSync(conformancePath('psl', 'test_psl.txt'), 'utf8');
  let checked = 0;
  for (const line of text.split('\n')) {
    const m = /^checkPublicSuffix\((null|'[^']*'),\s*(null|'[^']*')\);/.exec(line.trim());
    if (!m || m[1] === 'null') continue;
    const input = m[1]!.slice(1, -1);
    const expected = m[2] === 'null' ? null : m[2]!.slice(1, -1).toLowerCase();
    assert.equal(pslOrganizationalDomain(input), expected, input);
    checked++;
  }
  assert.ok(checked >= 70, `only ${checked} vectors found`);
});

test('isAtOrBelow compares whole labels', () => {
  assert.equal(isAtOrBelow('a.example.com', 'example.com'), true);
  assert.equal(isAtOrBelow('example.com.', 'EXAMPLE.com'), true);
  assert.equal(isAtOrBelow('badexample.com', 'example.com'), false);
});

test('report authorization names and the external test of RFC 7489 7.1', () => {
  assert.equal(reportAuthorizationName('Example.com', 'reports.vendor.net'), 'example.com._report._dmarc.reports.vendor.net');
  assert.equal(wildcardAuthorizationName('vendor.net'), '*._report._dmarc.vendor.net');
  assert.equal(isExternalDestination('reports.vendor.net', 'example.com', 'example.com'), true);
  assert.equal(isExternalDestination('mail.example.com', 'example.com', 'example.com'), false);
  // same PSL organizational domain, different tree-walk one: not external
  assert.equal(isExternalDestination('other.example.com', 'dept.example.com', 'dept.example.com'), false);
  assert.equal(authorizes(['v=DMARC1']), true);
  assert.equal(authorizes(['v=spf1 -all']), false);
  const record = parseDmarc('v=DMARC1; p=none; rua=mailto:a@x.net,mailto:b@x.net; ruf=mailto:c@x.net,mailto:d@y.net,bad');
  assert.deepEqual(reportDestinations(record.rua, record.ruf), [
    { host: 'x.net', uris: ['mailto:a@x.net', 'mailto:b@x.net', 'mailto:c@x.net'], tags: ['rua', 'ruf'] },
    { host: 'y.net', uris: ['mailto:d@y.net'], tags: ['ruf'] },
  ]);
});

function facts(record: string, source: 'domain' | 'organizational-domain', exists: boolean | null = true): DmarcFacts {
  return {
    domain: 'sub.example.com', walk: [], stoppedAt: null, orgDomain: 'example.com', orgDomainRule: 'fewest-labels',
    pslOrgDomain: 'example.com', applied: { domain: source === 'domain' ? 'sub.example.com' : 'example.com', source, record },
    incomplete: false, domainExists: exists, existence: { a: 'ok', aaaa: 'nodata', mx: 'nodata' }, external: [],
  };
}

test('appliedPolicy: p for the own record; sp for an existing subdomain; np, then sp, then p for a missing one', () => {
  const rec = 'v=DMARC1; p=reject; sp=quarantine; np=none';
  assert.deepEqual([appliedPolicy(facts(rec, 'domain'))!.tag, appliedPolicy(facts(rec, 'domain'))!.policy], ['p', 'reject']);
  assert.deepEqual([appliedPolicy(facts(rec, 'organizational-domain', true))!.tag, appliedPolicy(facts(rec, 'organizational-domain', true))!.policy], ['sp', 'quarantine']);
  assert.deepEqual([appliedPolicy(facts(rec, 'organizational-domain', false))!.tag, appliedPolicy(facts(rec, 'organizational-domain', false))!.policy], ['np', 'none']);
  const noNp = appliedPolicy(facts('v=DMARC1; p=reject; sp=quarantine', 'organizational-domain', false))!;
  assert.deepEqual([noNp.tag, noNp.policy], ['sp', 'quarantine']);
  const onlyP = appliedPolicy(facts('v=DMARC1; p=reject', 'organizational-domain', false))!;
  assert.deepEqual([onlyP.tag, onlyP.policy], ['p', 'reject']);
  // existence unknown: sp, as for an existing domain
  assert.equal(appliedPolicy(facts(rec, 'organizational-domain', null))!.tag, 'sp');
});

test('appliedPolicy: invalid policy tags fall back to none with a valid rua, to nothing without', () => {
  const withRua = appliedPolicy(facts('v=DMARC1; p=bogus; rua=mailto:d@example.com', 'domain'))!;
  assert.equal(withRua.policy, 'none');
  assert.equal(withRua.fallback, 'invalid-policy-read-as-none');
  const without = appliedPolicy(facts('v=DMARC1; p=bogus', 'domain'))!;
  assert.equal(without.policy, null);
  assert.equal(without.fallback, 'invalid-policy-not-applied');
  const testing = appliedPolicy(facts('v=DMARC1; p=reject; t=y; pct=30', 'domain'))!;
  assert.equal(testing.testMode, true);
  assert.equal(testing.pct, 30);
  assert.equal(isEnforcing('quarantine'), true);
  assert.equal(isEnforcing('none'), false);
  assert.equal(isEnforcing(null), false);
});
