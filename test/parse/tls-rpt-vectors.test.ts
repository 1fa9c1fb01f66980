// TLS-RPT record vectors (test/vectors/records/tls-rpt.json), written from RFC 8460 section 3:
// discovery, the report URIs read, the issues named and the tls-rpt/present status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import present from '../../src/checks/tls-rpt/present.ts';
import { isTlsRptRecord, parseTlsRpt } from '../../src/parse/tls-rpt-record.ts';
import { judge } from '../support/run-check.ts';
import { issueList, loadVectors, sorted } from './vector-file.ts';

interface TlsRptExpect { discovered: boolean; rua: string[]; issues: string[]; status: string }

describe('TLS-RPT record vectors (RFC 8460 3)', () => {
  for (const vector of loadVectors<TlsRptExpect>('tls-rpt').vectors) {
    const record = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(record)}`, () => {
      const { expect } = vector;
      const parsed = parseTlsRpt(record);
      assert.equal(isTlsRptRecord(record), expect.discovered, 'discovery filter');
      assert.deepEqual(parsed.rua.filter((u) => u.valid).map((u) => u.uri), expect.rua, 'rua');
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      const facts = { domain: 'example.com', name: '_smtp._tls.example.com', txt: { outcome: 'ok', values: [record] } };
      assert.equal(judge(present, { tlsRpt: facts }).status, expect.status, 'tls-rpt/present status');
    });
  }
});
