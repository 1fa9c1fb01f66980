// The mta-sts/* checks over hand-built facts: every status each check can end in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import policyCheck from '../../src/checks/mta-sts/policy.ts';
import present from '../../src/checks/mta-sts/present.ts';
import type { MtaStsFacts } from '../../src/collect/mta-sts.ts';
import type { LookupFact } from '../../src/core/facts.ts';
import type { PolicyFetchFact } from '../../src/mta-sts/fetch-policy.ts';
import { judge } from '../support/run-check.ts';

const ok = (...values: string[]): LookupFact<string> => ({ outcome: 'ok', values });

function fetched(patch: Partial<PolicyFetchFact> = {}): PolicyFetchFact {
  return {
    url: 'https://mta-sts.example.com/.well-known/mta-sts.txt', host: 'mta-sts.example.com', a: ok('192.0.2.1'), aaaa: { outcome: 'nodata', values: [] },
    address: '192.0.2.1', destination: '192.0.2.1:443', outcome: 'ok', error: null, errorCode: null, status: 200, location: null,
    contentType: 'text/plain', body: 'version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 1209600\n', bytes: 60,
    certificate: { subject: 'mta-sts.example.com', issuer: 'R3', altNames: ['DNS:mta-sts.example.com'], validFrom: 'Jan 1 00:00:00 2026 GMT', validTo: 'Jan 1 00:00:00 2027 GMT', fingerprint256: 'AA' },
    tlsVersion: 'TLSv1.3', ms: 12, ...patch,
  };
}

function stsFacts(patch: Partial<MtaStsFacts> = {}): MtaStsFacts {
  return {
    domain: 'example.com', txtName: '_mta-sts.example.com', txt: ok('v=STSv1; id=20261123'), records: ['v=STSv1; id=20261123'],
    policy: fetched(), mode: 'enforce', mxHosts: ['mx1.example.com', 'mx2.example.com'], mxError: null, ...patch,
  };
}

const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);

test('mta-sts/present: pass, info when absent, fail on several or invalid records, error on a failed lookup', () => {
  const pass = judge(present, { mtaSts: stsFacts() });
  assert.equal(pass.status, 'pass');
  assert.match(pass.notes![0]!, /policy id 20261123/);
  const none = judge(present, { mtaSts: stsFacts({ txt: { outcome: 'nxdomain', values: [] }, records: [], policy: null }) });
  assert.equal(none.status, 'info');
  assert.deepEqual(codes(none), ['mta-sts/present.none']);
  const two = judge(present, { mtaSts: stsFacts({ txt: ok('v=STSv1; id=1', 'v=STSv1; id=2'), records: ['v=STSv1; id=1', 'v=STSv1; id=2'] }) });
  assert.deepEqual(codes(two), ['mta-sts/present.multiple-records']);
  const noId = judge(present, { mtaSts: stsFacts({ txt: ok('v=STSv1;'), records: ['v=STSv1;'] }) });
  assert.equal(noId.status, 'fail');
  assert.deepEqual(codes(noId), ['mta-sts/present.id-missing']);
  const near = judge(present, { mtaSts: stsFacts({ txt: ok('v=STSv1 id=1'), records: [], policy: null }) });
  assert.deepEqual(codes(near), ['mta-sts/present.not-sts-record']);
  const repeated = judge(present, { mtaSts: stsFacts({ txt: ok('v=STSv1; id=1; id=2'), records: ['v=STSv1; id=1; id=2'] }) });
  assert.equal(repeated.status, 'warn');
  assert.deepEqual(codes(repeated), ['mta-sts/present.tag-duplicate']);
  const error = judge(present, { mtaSts: stsFacts({ txt: { outcome: 'error', values: [], error: 'ESERVFAIL: SERVFAIL' }, records: [], policy: null }) });
  assert.equal(error.status, 'error');
});

test('mta-sts/policy: pass on enforce with coverage; skipped without a record', () => {
  const r = judge(policyCheck, { mtaSts: stsFacts() });
  assert.equal(r.status, 'pass');
  assert.ok(r.notes!.some((n) => /Policy from https:\/\/mta-sts\.example\.com\/\.well-known\/mta-sts\.txt: version: STSv1 \| mode: enforce/.test(n)));
  assert.equal(judge(policyCheck, { mtaSts: stsFacts({ policy: null, records: [] }) }).status, 'skipped');
});

test('mta-sts/policy: every fetch failure is a fail with its own code, a DNS failure is error', () => {
  const cases: Array<[Partial<PolicyFetchFact>, string]> = [
    [{ outcome: 'no-address', a: { outcome: 'nxdomain', values: [] } }, 'unreachable'],
    [{ outcome: 'connect', error: 'ECONNREFUSED' }, 'unreachable'],
    [{ outcome: 'timeout', error: 'no answer' }, 'unreachable'],
    [{ outcome: 'tls', error: 'handshake failure' }, 'unreachable'],
    [{ outcome: 'protocol', error: 'reset' }, 'unreachable'],
    [{ outcome: 'certificate', errorCode: 'CERT_HAS_EXPIRED', error: 'certificate has expired' }, 'bad-certificate'],
    [{ outcome: 'redirect', status: 302, location: 'https://elsewhere.example/' }, 'redirect'],
    [{ outcome: 'http-status', status: 500 }, 'http-status'],
    [{ outcome: 'too-large', bytes: 100000 }, 'too-large'],
    [{ outcome: 'content-type', contentType: 'application/octet-stream' }, 'content-type'],
  ];
  for (const [patch, code] of cases) {
    const r = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ body: null, ...patch }), mode: null }) });
    assert.equal(r.status, 'fail', code);
    assert.deepEqual(codes(r), [`mta-sts/policy.${code}`]);
    assert.equal(r.findings[0]!.subject, 'mta-sts.example.com');
  }
  const redirect = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ outcome: 'redirect', status: 302, location: 'https://elsewhere.example/', body: null }) }) });
  assert.ok(redirect.findings[0]!.evidence.includes('HTTP 302, Content-Type: text/plain, Location: https://elsewhere.example/'));
  const dnsError = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ outcome: 'dns-error', a: { outcome: 'error', values: [], error: 'ETIMEOUT: no answer' } }) }) });
  assert.equal(dnsError.status, 'error');
  assert.match(dnsError.error!, /ETIMEOUT/);
});

test('mta-sts/policy: invalid policies, uncovered MX hosts, testing/none modes and a short max_age', () => {
  const invalid = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ body: 'version: STSv1\nmode: enforce\n' }) }) });
  assert.equal(invalid.status, 'fail');
  assert.deepEqual(codes(invalid), ['mta-sts/policy.policy-max-age-missing', 'mta-sts/policy.policy-mx-missing']);
  const uncovered = judge(policyCheck, { mtaSts: stsFacts({ mxHosts: ['mx1.example.com', 'mail.elsewhere.net'] }) });
  assert.deepEqual(uncovered.findings.map((f) => [f.code, f.subject]), [['mta-sts/policy.mx-not-covered', 'mail.elsewhere.net']]);
  const testingUncovered = judge(policyCheck, { mtaSts: stsFacts({ mxHosts: ['mail.elsewhere.net'], policy: fetched({ body: 'version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 1209600\n' }) }) });
  assert.equal(testingUncovered.status, 'fail');
  assert.deepEqual(codes(testingUncovered), ['mta-sts/policy.mode-testing', 'mta-sts/policy.mx-not-covered']);
  assert.match(testingUncovered.findings[1]!.message, /will refuse it once the policy is enforced/);
  const none = judge(policyCheck, { mtaSts: stsFacts({ mxHosts: ['mail.elsewhere.net'], policy: fetched({ body: 'version: STSv1\nmode: none\nmax_age: 86400\n' }) }) });
  assert.equal(none.status, 'info');
  assert.deepEqual(codes(none), ['mta-sts/policy.mode-none']);
  const tooLong = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ body: 'version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 99999999\n' }) }) });
  assert.equal(tooLong.status, 'fail');
  assert.deepEqual(codes(tooLong), ['mta-sts/policy.policy-max-age-too-large']);
  const short = judge(policyCheck, { mtaSts: stsFacts({ policy: fetched({ body: 'version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 3600\n' }) }) });
  assert.equal(short.status, 'info');
  assert.deepEqual(codes(short), ['mta-sts/policy.max-age-short']);
});

test('mta-sts/policy: unknown MX hosts make coverage undetermined; no MX hosts is only a note', () => {
  const unknown = judge(policyCheck, { mtaSts: stsFacts({ mxHosts: null, mxError: 'mx facts unavailable: ETIMEOUT' }) });
  assert.equal(unknown.status, 'error');
  assert.match(unknown.error!, /MX hosts are unknown/);
  const noMx = judge(policyCheck, { mtaSts: stsFacts({ mxHosts: [] }) });
  assert.equal(noMx.status, 'pass');
  assert.ok(noMx.notes!.some((n) => /no MX hosts/.test(n)));
});
