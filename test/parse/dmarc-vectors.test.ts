// DMARC record vectors (test/vectors/records/dmarc.json), written from RFC 9989 sections 4.7,
// 4.8 and 4.10.1: for each record, whether it is a DMARC record, the issues the parser names,
// the tag values, the disposition receivers apply, and the dmarc/syntax status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import syntax from '../../src/checks/dmarc/syntax.ts';
import type { DmarcFacts } from '../../src/collect/dmarc.ts';
import { appliedPolicy } from '../../src/dmarc/applied-policy.ts';
import { interpretTreeWalk, treeWalkNames } from '../../src/dmarc/tree-walk.ts';
import { isDmarcRecord, parseDmarc, type DmarcRecord } from '../../src/parse/dmarc-record.ts';
import { judge } from '../support/run-check.ts';
import { issueList, loadVectors, sorted } from './vector-file.ts';

interface DmarcExpect {
  dmarc: boolean;
  issues: string[];
  status: string;
  tags?: Record<string, unknown>;
  policy?: string | null;
}

function factsFor(record: string): DmarcFacts {
  const domain = 'example.com';
  const walk = treeWalkNames(domain).map((name) => ({
    domain: name, name: `_dmarc.${name}`,
    txt: name === domain ? { outcome: 'ok' as const, values: [record] } : { outcome: 'nxdomain' as const, values: [] },
  }));
  const r = interpretTreeWalk(walk.map((s) => ({ domain: s.domain, txt: s.txt.values })));
  return {
    domain, walk, stoppedAt: null, orgDomain: r.orgDomain, orgDomainRule: r.orgDomainRule, pslOrgDomain: r.orgDomain,
    applied: r.applied, incomplete: false, domainExists: true, existence: { a: 'ok', aaaa: 'ok', mx: 'ok' }, external: [],
  };
}

/** A parsed field the way the vectors write it: URIs as their text, everything else as parsed. */
function field(record: DmarcRecord, key: string): unknown {
  const value = (record as unknown as Record<string, unknown>)[key];
  if (key === 'rua' || key === 'ruf') return (value as DmarcRecord['rua']).filter((u) => u.valid).map((u) => u.uri);
  return value;
}

const file = loadVectors<DmarcExpect>('dmarc');

describe('DMARC record vectors (RFC 9989, RFC 7489 differences noted)', () => {
  for (const vector of file.vectors) {
    const record = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(record)}`, () => {
      const { expect } = vector;
      const parsed = parseDmarc(record);
      assert.equal(isDmarcRecord(record), expect.dmarc, 'isDmarcRecord');
      assert.equal(parsed.isDmarc, expect.dmarc, 'parseDmarc().isDmarc');
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      for (const [key, value] of Object.entries(expect.tags ?? {})) assert.deepEqual(field(parsed, key), value, `tag ${key}`);
      const facts = factsFor(record);
      if (expect.policy !== undefined) assert.equal(appliedPolicy(facts)?.policy ?? null, expect.policy, 'policy applied');
      assert.equal(judge(syntax, { dmarc: facts }).status, expect.status, 'dmarc/syntax status');
    });
  }
});
