// DKIM key record vectors (test/vectors/records/dkim-key.json), written from RFC 6376 3.2 and
// 3.6.1, RFC 8301 and RFC 8463: the issues named, the parsed fields and the dkim/key-record status.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import keyRecord from '../../src/checks/dkim/key-record.ts';
import type { DkimFacts } from '../../src/collect/dkim.ts';
import { parseDkimKey } from '../../src/parse/dkim-key-record.ts';
import { judge } from '../support/run-check.ts';
import { issueList, loadVectors, sorted } from './vector-file.ts';

interface DkimExpect { issues: string[]; status: string; fields?: Record<string, unknown> }

const rsa = (bits: number, type: 'spki' | 'pkcs1' = 'spki'): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type, format: 'der' }).toString('base64');
const RSA2048 = rsa(2048);
const KEYS: Record<string, string> = {
  RSA2048,
  RSA2048_FOLDED: RSA2048.replace(/(.{64})/g, '$1 '),
  RSA2048_PKCS1: rsa(2048, 'pkcs1'),
  RSA1024: rsa(1024),
  RSA512: rsa(512),
  ED25519_SPKI: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
};
const fill = (text: string): string => text.replace(/\{([A-Z0-9_]+)\}/g, (_, name: string) => KEYS[name]!);

function facts(record: string): DkimFacts {
  return {
    domain: 'example.com', given: ['sel'], inferred: [], tried: ['sel'],
    probe: { selector: 'smtp-audit-probe-0123456789ab', name: 'smtp-audit-probe-0123456789ab._domainkey.example.com', txt: { outcome: 'nxdomain', values: [] } },
    wildcard: false, absent: 0,
    lookups: [{ selector: 'sel', name: 'sel._domainkey.example.com', sources: ['given'], txt: { outcome: 'ok', values: [record] }, wildcard: false, provider: null }],
  };
}

describe('DKIM key record vectors (RFC 6376 3.6.1, RFC 8301, RFC 8463)', () => {
  for (const vector of loadVectors<DkimExpect>('dkim-key').vectors) {
    const template = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(template)}`, () => {
      const { expect } = vector;
      const record = fill(template);
      const parsed = parseDkimKey(record);
      assert.deepEqual(issueList(parsed.issues), sorted(expect.issues), 'issues');
      for (const [key, value] of Object.entries(expect.fields ?? {})) {
        assert.deepEqual((parsed as unknown as Record<string, unknown>)[key], value, `field ${key}`);
      }
      assert.equal(judge(keyRecord, { dkim: facts(record) }).status, expect.status, 'dkim/key-record status');
    });
  }
});
