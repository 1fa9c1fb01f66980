// MTA-STS vectors (test/vectors/records/mta-sts-txt.json and mta-sts-policy.json), written from
// RFC 8461 sections 3.1 and 3.2: the TXT record's discovery, id and issues with the
// mta-sts/present status; the policy's fields and issues with the mta-sts/policy status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import policyCheck from '../../src/checks/mta-sts/policy.ts';
import present from '../../src/checks/mta-sts/present.ts';
import type { MtaStsFacts } from '../../src/collect/mta-sts.ts';
import type { PolicyFetchFact } from '../../src/mta-sts/fetch-policy.ts';
import { isMtaStsTxtRecord, parseMtaStsPolicy, parseMtaStsTxt } from '../../src/parse/mta-sts.ts';
import { judge } from '../support/run-check.ts';
import { issueList, loadVectors, sorted } from './vector-file.ts';

interface TxtExpect { discovered: boolean; id: string | null; issues: string[]; status: string }
interface PolicyExpect { issues: string[]; status: string; mode: string | null; maxAge: number | null; mx?: string[] }

function fetched(body: string): PolicyFetchFact {
  return {
    url: 'https://mta-sts.example.com/.well-known/mta-sts.txt', host: 'mta-sts.example.com',
    a: { outcome: 'ok', values: ['192.0.2.1'] }, aaaa: { outcome: 'nodata', values: [] },
    address: '192.0.2.1', destination: '192.0.2.1:443', outcome: 'ok', error: null, errorCode: null, status: 200, location: null,
    contentType: 'text/plain', body, bytes: Buffer.byteLength(body),
    certificate: { subject: 'mta-sts.example.com', issuer: 'R3', altNames: ['DNS:mta-sts.example.com'], validFrom: 'Jan 1 00:00:00 2026 GMT', validTo: 'Jan 1 00:00:00 2027 GMT', fingerprint256: 'AA' },
    tlsVersion: 'TLSv1.3', ms: 12,
  };
}

function stsFacts(txt: string[], body: string | null): MtaStsFacts {
  const records = txt.filter(isMtaStsTxtRecord);
  return {
    domain: 'example.com', txtName: '_mta-sts.example.com', txt: { outcome: 'ok', values: txt }, records,
    policy: body === null ? null : fetched(body), mode: null, mxHosts: ['mail.example.com'], mxError: null,
  };
}

describe('MTA-STS TXT record vectors (RFC 8461 3.1)', () => {
  for (const vector of loadVectors<TxtExpect>('mta-sts-txt').vectors) {
    const record = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(record)}`, () => {
      const { expect } = vector;
      const parsed = parseMtaStsTxt(record);
      assert.equal(isMtaStsTxtRecord(record), expect.discovered, 'discovery filter');
      assert.equal(parsed.id, expect.id, 'id');
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      assert.equal(judge(present, { mtaSts: stsFacts([record], null) }).status, expect.status, 'mta-sts/present status');
    });
  }
});

describe('MTA-STS policy vectors (RFC 8461 3.2)', () => {
  for (const vector of loadVectors<PolicyExpect>('mta-sts-policy').vectors) {
    const body = vector.policy as string;
    it(`${vector.name}: ${JSON.stringify(body)}`, () => {
      const { expect } = vector;
      const parsed = parseMtaStsPolicy(body);
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      assert.equal(parsed.mode, expect.mode, 'mode');
      assert.equal(parsed.maxAge, expect.maxAge, 'max_age');
      if (expect.mx) assert.deepEqual(parsed.mx, expect.mx, 'mx');
      assert.equal(judge(policyCheck, { mtaSts: stsFacts(['v=STSv1; id=abc'], body) }).status, expect.status, 'mta-sts/policy status');
    });
  }
});
