// The --ip evaluation path of the spf collector against the openspf RFC 7208 suite (203 cases).
// For every case, the collector runs with the case's zone data as env.resolver, the case's client
// address as the one --ip, and the case's MAIL FROM and HELO as the identity (options.extra.spf).
// Its result must equal mailauth's own strict result for the same case, called directly: this
// proves the plumbing (resolver seam, identity, address, result mapping) loses nothing. How many
// of those results are among the suite's acceptable ones is asserted too (see README "SPF").
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { spf } from 'mailauth/lib/spf/index.js';
import { spfCollector, type SpfFacts } from '../../src/collect/spf.ts';
import { DEFAULT_OPTIONS, type AuditEnv } from '../../src/core/context.ts';
import { fixedClock } from '../../src/net/clock.ts';
import { NetDialer } from '../../src/net/dial.ts';
import { zonedataResolver } from '../support/zonedata-resolver.ts';
import { loadSpfSuite, senderDomain, type SuiteCase } from '../support/spf-suite.ts';


const MTA = 'audit.test';

async function viaCollector(c: SuiteCase): Promise<SpfFacts> {
  const env: AuditEnv = { resolver: zonedataResolver(c.zonedata), dialer: new NetDialer(), clock: fixedClock('2026-11-23T10:00:00Z') };
  const domain = senderDomain(c);
  return spfCollector.collect({
    target: { kind: 'domain', input: domain, domain },
    env,
    options: { ...DEFAULT_OPTIONS, ehloName: MTA, ips: [c.host], extra: { spf: { sender: c.mailfrom, helo: c.helo } } },
    need: () => Promise.reject(new Error('the spf collector needs no other fact')),
  });
}

async function viaMailauth(c: SuiteCase): Promise<string> {
  const response = await spf({
    sender: c.mailfrom, ip: c.host, helo: c.helo, mta: MTA, strict: true,
    resolver: zonedataResolver(c.zonedata).resolve as (name: string, type: string) => Promise<string[]>,
  });
  return response.status.result;
}

/** Cases whose strict mailauth result is not among the suite's acceptable results, each with the reason. */
const OUTSIDE_SUITE: Record<string, string> = {};
/** Cases whose result equals the suite's preferred (first) expected result. */
const SUITE_AGREEMENT = 203;

describe('--ip evaluation against the openspf RFC 7208 suite', () => {
  const cases = loadSpfSuite();
  const ours = new Map<string, SpfFacts>();
  const theirs = new Map<string, string>();

  before(async () => {
    for (const c of cases) {
      ours.set(c.id, await viaCollector(c));
      theirs.set(c.id, await viaMailauth(c));
    }
  });

  it('evaluates all 203 cases, one --ip result each, with the case\'s identity', () => {
    assert.equal(cases.length, 203);
    for (const c of cases) {
      const facts = ours.get(c.id)!;
      assert.equal(facts.ipEvaluations.length, 1, c.id);
      const e = facts.ipEvaluations[0]!;
      assert.deepEqual([e.ip, e.sender, e.helo], [c.host, c.mailfrom, c.helo], c.id);
      assert.equal(e.error, null, `${c.id}: ${e.error}`);
    }
  });

  it('gives mailauth\'s own strict result in every case', () => {
    const different = cases.filter((c) => ours.get(c.id)!.ipEvaluations[0]!.result !== theirs.get(c.id)).map((c) => `${c.id}: ours ${ours.get(c.id)!.ipEvaluations[0]!.result}, mailauth ${theirs.get(c.id)}`);
    assert.deepEqual(different, []);
  });

  it(`equals the suite's expected result in ${SUITE_AGREEMENT} of 203 cases`, () => {
    // The suite lists acceptable results, preferred first (6 cases accept more than one).
    const outside = cases.filter((c) => !c.results.includes(ours.get(c.id)!.ipEvaluations[0]!.result)).map((c) => c.id);
    assert.deepEqual(outside, Object.keys(OUTSIDE_SUITE));
    const preferred = cases.filter((c) => c.results[0] === ours.get(c.id)!.ipEvaluations[0]!.result).length;
    assert.equal(preferred, SUITE_AGREEMENT);
    assert.equal(cases.filter((c) => c.results.length > 1).length, 6);
  });

  it('keeps the evaluation as plain JSON, with mailauth\'s counters and comment', () => {
    const c = cases.find((x) => x.id === 'include-over-limit')!;
    const e = ours.get(c.id)!.ipEvaluations[0]!;
    assert.equal(e.result, 'permerror');
    assert.match(e.comment ?? '', /Too many DNS requests/);
    assert.equal(e.lookups?.limit, 10);
    assert.deepEqual(JSON.parse(JSON.stringify(ours.get(c.id))), ours.get(c.id));
  });
});
