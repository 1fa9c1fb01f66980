// BIMI Assertion Record vectors (test/vectors/records/bimi.json), written from
// draft-brand-indicators-for-message-identification-12: whether the record is a BIMI record,
// whether it declines, the issues named, the tag values, and the bimi/present status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import present from '../../src/checks/bimi/present.ts';
import type { BimiFacts } from '../../src/collect/bimi.ts';
import type { DmarcFacts } from '../../src/collect/dmarc.ts';
import { interpretTreeWalk, treeWalkNames } from '../../src/dmarc/tree-walk.ts';
import { isBimiRecord, parseBimi } from '../../src/parse/bimi-record.ts';
import { judge } from '../support/run-check.ts';
import { issueList, loadVectors, sorted } from './vector-file.ts';

interface BimiExpect { bimi: boolean; declined: boolean; issues: string[]; status: string; tags?: Record<string, unknown> }

function dmarcReject(): DmarcFacts {
  const domain = 'example.com';
  const walk = treeWalkNames(domain).map((name) => ({
    domain: name, name: `_dmarc.${name}`,
    txt: name === domain ? { outcome: 'ok' as const, values: ['v=DMARC1; p=reject'] } : { outcome: 'nxdomain' as const, values: [] },
  }));
  const r = interpretTreeWalk(walk.map((s) => ({ domain: s.domain, txt: s.txt.values })));
  return {
    domain, walk, stoppedAt: null, orgDomain: r.orgDomain, orgDomainRule: r.orgDomainRule, pslOrgDomain: r.orgDomain,
    applied: r.applied, incomplete: false, domainExists: true, existence: { a: 'ok', aaaa: 'ok', mx: 'ok' }, external: [],
  };
}

const bimiFacts = (record: string): BimiFacts => ({
  domain: 'example.com', selector: 'default', name: 'default._bimi.example.com',
  txt: { outcome: 'ok', values: [record] }, orgDomain: 'example.com', fallback: null,
});

const file = loadVectors<BimiExpect>('bimi');

describe('BIMI record vectors (draft-brand-indicators-for-message-identification-12)', () => {
  for (const vector of file.vectors) {
    const record = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(record)}`, () => {
      const { expect } = vector;
      const parsed = parseBimi(record);
      assert.equal(isBimiRecord(record), expect.bimi, 'isBimiRecord');
      assert.equal(parsed.isBimi, expect.bimi, 'parseBimi().isBimi');
      assert.equal(parsed.declined, expect.declined, 'declined');
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      for (const [key, value] of Object.entries(expect.tags ?? {})) {
        assert.deepEqual((parsed as unknown as Record<string, unknown>)[key], value, `tag ${key}`);
      }
      assert.equal(judge(present, { bimi: bimiFacts(record), dmarc: dmarcReject() }).status, expect.status, 'bimi/present status');
    });
  }
});
