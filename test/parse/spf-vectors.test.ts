// SPF error-message vectors (test/vectors/records/spf.json), written from RFC 7208: every syntax
// error is reported at the right character and names its real cause; spf/syntax status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import syntax from '../../src/checks/spf/syntax.ts';
import { spfCollector } from '../../src/collect/spf.ts';
import { DEFAULT_OPTIONS, type AuditEnv } from '../../src/core/context.ts';
import { fixedClock } from '../../src/net/clock.ts';
import { NetDialer } from '../../src/net/dial.ts';
import { parseSpf } from '../../src/spf/parse-spf.ts';
import { judge } from '../support/run-check.ts';
import { zonedataResolver } from '../support/zonedata-resolver.ts';
import { loadVectors } from './vector-file.ts';

interface SpfExpect { valid: boolean; errors: Array<{ at: number; match: string }>; status: string }

async function statusOf(record: string): Promise<string> {
  const env: AuditEnv = { resolver: zonedataResolver({ 'example.com': [{ TXT: record }] }), dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') };
  const spf = await spfCollector.collect({
    target: { kind: 'domain', input: 'example.com', domain: 'example.com' }, env, options: DEFAULT_OPTIONS,
    need: () => Promise.reject(new Error('no other facts')),
  });
  return judge(syntax, { spf }).status;
}

describe('SPF error message vectors (RFC 7208)', () => {
  for (const vector of loadVectors<SpfExpect>('spf').vectors) {
    const record = vector.record as string;
    it(`${vector.name}: ${JSON.stringify(record)}`, async () => {
      const { expect } = vector;
      const parsed = parseSpf(record);
      assert.equal(parsed.valid, expect.valid, 'valid');
      assert.deepEqual(parsed.errors.map((e) => e.position), expect.errors.map((e) => e.at), `error positions (${parsed.errors.map((e) => e.message).join(' | ')})`);
      expect.errors.forEach((want, i) => assert.match(parsed.errors[i]!.message, new RegExp(want.match), `message of error ${i + 1}`));
      assert.equal(await statusOf(record), expect.status, 'spf/syntax status');
    });
  }
});
