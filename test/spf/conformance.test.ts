// The openspf RFC 7208 suite (203 cases) against our walker, and our lookup counts against
// mailauth's. See docs/spf-conformance.md for the figures and the reasons behind every exception.
//
// Our walker has no client IP: it follows the path of a sender that nothing but "all" matches.
// From that tree we derive a verdict for the case's address family (permerror or not) and compare
// it with the suite's expected result. Where the suite's client IP matches a term before a broken
// one, a real evaluation stops earlier than our walk; those cases are listed with a reason.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { spf } from 'mailauth/lib/spf/index.js';
import type { RRType } from '../../src/net/dns/types.ts';
import type { AddressFamily, SpfNode, SpfTree } from '../../src/spf/spf-types.ts';
import { walkSpf } from '../../src/spf/walk-spf.ts';
import { zonedataResolver } from '../support/zonedata-resolver.ts';
import { loadSpfSuite, senderDomain, type SuiteCase } from '../support/spf-suite.ts';


/** IPv4-mapped IPv6 clients are IPv4 clients (RFC 7208 5). */
function familyOf(host: string): AddressFamily {
  return host.includes(':') && !/^::ffff:[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/i.test(host) ? 'ipv6' : 'ipv4';
}

/** Our verdict agrees when permerror-or-not matches one of the acceptable results. */
function agrees(tree: SpfTree, c: SuiteCase): boolean {
  const permerror = tree.totals.resultWhenNothingMatches[familyOf(c.host)] === 'permerror';
  return permerror ? c.results.includes('permerror') : c.results.some((r) => r !== 'permerror');
}

/** Cases where the verdict differs from the suite, each with the reason. */
const EXPECTED_DISAGREEMENTS: Record<string, string> = {
  'include-at-limit':
    'The record is "a include:inc.example.com ip4:1.2.3.4 mx -all" with 8 a terms in inc: the suite\'s client 1.2.3.4 matches ip4 right after lookup 10, ' +
    'so evaluation stops before mx (lookup 11) and passes. Every other client reaches mx and gets permerror, which is what the audit reports.',
};

const AGREEING = 202;

function* nodes(node: SpfNode): Generator<SpfNode> {
  yield node;
  for (const child of node.children) yield* nodes(child);
}

function normalize(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

// ---------------------------------------------------------------------------------------------
// mailauth cross-check

const MAILAUTH_IP: Record<AddressFamily, string> = { ipv4: '192.0.2.254', ipv6: '2001:db8::fe' };

interface MailauthRun {
  result: string;
  /** mailauth's own count of limit-counted lookups (lookups.count); it sits in front of its per-evaluation cache, so repeated terms count. */
  count: number;
  /** Distinct questions that reached our counting resolver (mailauth asks each (name, type) once per evaluation). */
  asked: Set<string>;
}

async function runMailauth(c: SuiteCase): Promise<MailauthRun> {
  const asked = new Set<string>();
  const resolver = zonedataResolver(c.zonedata, { onQuery: (name, type) => asked.add(`${type} ${normalize(name)}`) });
  const response = await spf({
    sender: c.mailfrom,
    ip: MAILAUTH_IP[familyOf(c.host)],
    helo: c.helo,
    mta: 'audit.test',
    resolver: resolver.resolve as (name: string, type: string) => Promise<string[]>,
    // Raised so that mailauth keeps evaluating past 10 lookups and 2 void lookups, as our walk does.
    maxResolveCount: 1000,
    maxVoidCount: 1000,
    strict: true,
  });
  return { result: response.status.result, count: response.lookups?.count ?? -1, asked };
}

type Exclusion = 'loop' | 'sender-dependent-target' | 'mailauth-error';

const EXCLUSION_REASONS: Record<Exclusion, string> = {
  loop: 'mailauth has no loop detection: with the limit raised it recurses until 1001 lookups; we stop the branch at the loop.',
  'sender-dependent-target':
    'a reached term has a target that depends on the sender (a macro other than %{d}/%{o}) or is not a valid DNS name: mailauth expands it with the ' +
    'suite\'s sender and, in strict mode, skips an invalid name without counting it, and %{p} adds PTR lookups to its count; RFC 7208 4.6.4 limits ' +
    'the terms evaluated, so we count each such term once.',
  'mailauth-error': 'mailauth ends in permerror or temperror, which stops its evaluation at that term, while our walk goes on through the whole tree.',
};

function exclusionOf(tree: SpfTree, run: MailauthRun): Exclusion | null {
  const all = [...nodes(tree.root)];
  if (all.some((n) => n.errors.some((e) => e.kind === 'loop'))) return 'loop';
  if (all.some((n) => n.terms.some((t) => t.reached && (t.targetStatus === 'not-expandable' || t.targetStatus === 'invalid-name')))) return 'sender-dependent-target';
  if (run.result === 'permerror' || run.result === 'temperror') return 'mailauth-error';
  return null;
}

/** Questions our walk makes for one client family: the root TXT and the primary query of every reached term. */
function ourQuestions(tree: SpfTree, family: AddressFamily): Set<string> {
  const out = new Set<string>();
  for (const node of nodes(tree.root)) {
    if (node.txtQuery) out.add(`TXT ${node.txtQuery.name}`);
    for (const term of node.terms) {
      for (const q of term.queries) {
        if (term.name === 'a' && q.type !== (family === 'ipv4' ? 'A' : 'AAAA')) continue;
        out.add(`${q.type} ${q.name}`);
      }
    }
  }
  return out;
}

/** Why mailauth may ask a question our walk does not: none of these count toward the limits (RFC 7208 4.6.4). */
function explainExtra(question: string, tree: SpfTree, family: AddressFamily): string | null {
  const [type, name] = question.split(' ', 2) as [RRType, string];
  const all = [...nodes(tree.root)];
  if (type === 'PTR') return 'the PTR of the client address (ptr, %{p}), unknown at audit time';
  if (type === (family === 'ipv4' ? 'A' : 'AAAA') && all.some((n) => n.terms.some((t) => t.mxHostNames.includes(name)))) return 'address of an MX host';
  if (type === 'TXT' && all.some((n) => n.parsed?.exp !== null && n.parsed?.exp !== undefined)) return 'explanation text (exp=), fetched after a fail';
  return null;
}

const EXCLUDED: Record<Exclusion, string[]> = {
  loop: ['redirect-loop', 'include-loop'],
  'sender-dependent-target': [
    'invalid-domain-empty-label', 'invalid-domain-long', 'invalid-domain-long-via-macro', 'p-macro-multiple', 'hello-macro',
    'invalid-hello-macro', 'hello-domain-literal', 'require-valid-helo', 'macro-reverse-split-on-dash', 'macro-multiple-delimiters',
  ],
  'mailauth-error': [
    'non-ascii-policy', 'non-ascii-mech', 'non-ascii-result', 'control-char-policy', 'badip4', 'txttimeout', 'nospftxttimeout', 'alltimeout',
    'multitxt1', 'multitxt2', 'multispf1', 'detect-errors-anywhere', 'modifier-charset-bad1', 'modifier-charset-bad2', 'redirect-is-modifier',
    'invalid-domain', 'all-dot', 'all-arg', 'all-cidr', 'ptr-cidr', 'ptr-empty-domain', 'a-bad-cidr4', 'a-bad-cidr6', 'a-dual-cidr-ip4-err',
    'a-bad-domain', 'a-null', 'a-numeric', 'a-numeric-toplabel', 'a-bad-toplabel', 'a-only-toplabel', 'a-only-toplabel-trailing-dot',
    'a-empty-domain', 'include-temperror', 'include-permerror', 'include-syntax-error', 'include-cidr', 'include-none', 'include-empty-domain',
    'mx-bad-cidr4', 'mx-bad-cidr6', 'mx-bad-domain', 'mx-null', 'mx-numeric-top-label', 'mx-bad-toplab', 'mx-empty-domain', 'exists-empty-domain',
    'exists-implicit', 'exists-cidr', 'exists-dnserr', 'cidr4-33', 'cidr4-032', 'bare-ip4', 'bad-ip4-port', 'bad-ip4-short', 'ip4-dual-cidr',
    'bare-ip6', 'cidr6-129', 'cidr6-bad', 'ip6-bad1', 'redirect-none', 'redirect-syntax-error', 'invalid-modifier', 'empty-modifier-name',
    'exp-empty-domain', 'exp-syntax-error', 'exp-twice', 'redirect-empty-domain', 'redirect-twice', 'unknown-modifier-syntax', 'exp-only-macro-char',
    'invalid-macro-char', 'invalid-embedded-macro-char', 'invalid-trailing-macro-char', 'undef-macro',
  ],
};

const COMPARED = 117;
/** Sum of the lookups counted in the compared cases (each equal to mailauth's). */
const COMPARED_LOOKUPS = 124;

describe('openspf RFC 7208 suite', () => {
  const cases = loadSpfSuite();
  const trees = new Map<string, SpfTree>();
  const runs = new Map<string, MailauthRun>();

  before(async () => {
    for (const c of cases) {
      trees.set(c.id, await walkSpf(senderDomain(c), zonedataResolver(c.zonedata)));
      runs.set(c.id, await runMailauth(c));
    }
  });

  it('has 203 cases with distinct ids', () => {
    assert.equal(cases.length, 203);
    assert.equal(new Set(cases.map((c) => c.id)).size, 203);
  });

  it(`agrees on permerror-or-not for ${AGREEING} of 203 cases, and every disagreement is explained`, () => {
    const disagreeing = cases.filter((c) => !agrees(trees.get(c.id)!, c)).map((c) => c.id);
    assert.deepEqual(disagreeing, Object.keys(EXPECTED_DISAGREEMENTS));
    assert.equal(cases.length - disagreeing.length, AGREEING);
  });

  it('reports the limit cases as permerror for the reason the suite tests', () => {
    const byId = new Map(cases.map((c) => [c.id, c]));
    const kinds = (id: string): string[] => trees.get(id)!.totals.problems
      .filter((p) => p.severity === 'permerror' && p.families.includes(familyOf(byId.get(id)!.host)))
      .map((p) => p.kind);
    assert.ok(kinds('mech-over-limit').includes('lookup-limit'));
    assert.ok(kinds('include-over-limit').includes('lookup-limit'));
    assert.ok(kinds('void-over-limit').includes('void-limit'));
    assert.ok(kinds('mx-limit').includes('mx-hosts'));
    assert.ok(kinds('include-loop').includes('loop'));
    assert.ok(kinds('redirect-loop').includes('loop'));
    assert.deepEqual(kinds('mech-at-limit'), []);
    assert.equal(trees.get('mech-at-limit')!.totals.lookups, 10);
    assert.deepEqual(kinds('void-at-limit'), []);
  });

  it('disagrees on include-at-limit only because the suite\'s client matches before lookup 11', async () => {
    const c = cases.find((x) => x.id === 'include-at-limit')!;
    const check = async (ip: string): Promise<string> => (await spf({
      sender: c.mailfrom, ip, helo: c.helo, mta: 'audit.test', strict: true,
      resolver: zonedataResolver(c.zonedata).resolve as (name: string, type: string) => Promise<string[]>,
    })).status.result;
    assert.equal(await check(c.host), 'pass');
    assert.equal(await check('192.0.2.254'), 'permerror');
    const crossing = trees.get(c.id)!.totals.lookupLimitCrossing!;
    assert.deepEqual([crossing.domain, crossing.term, crossing.count], ['e8.example.com', 'mx', 11]);
  });

  it(`counts the same lookups as mailauth in the ${COMPARED} cases where the comparison is meaningful`, () => {
    const excluded: Record<Exclusion, string[]> = { loop: [], 'sender-dependent-target': [], 'mailauth-error': [] };
    const mismatches: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const tree = trees.get(c.id)!;
      const run = runs.get(c.id)!;
      const why = exclusionOf(tree, run);
      if (why !== null) {
        excluded[why].push(c.id);
        continue;
      }
      compared += 1;
      if (tree.totals.lookups !== run.count) mismatches.push(`${c.id}: ours ${tree.totals.lookups}, mailauth ${run.count}`);
    }
    assert.deepEqual(mismatches, []);
    assert.deepEqual(excluded, EXCLUDED);
    // The compared cases include the ones that exercise counting: at and over the limit, includes, redirects, CNAMEs.
    const comparedLookups = cases.filter((c) => exclusionOf(trees.get(c.id)!, runs.get(c.id)!) === null).map((c) => trees.get(c.id)!.totals.lookups);
    assert.equal(comparedLookups.reduce((a, b) => a + b, 0), COMPARED_LOOKUPS);
    for (const id of ['mech-at-limit', 'mech-over-limit', 'include-at-limit', 'include-over-limit', 'cname-aliasing', 'trailing-dot-domain', 'bytes-bug']) {
      assert.equal(exclusionOf(trees.get(id)!, runs.get(id)!), null, id);
    }
    assert.equal(compared, COMPARED);
    for (const reason of Object.keys(EXCLUSION_REASONS)) assert.ok(EXCLUSION_REASONS[reason as Exclusion].length > 0);
  });

  it('asks the same DNS questions as mailauth in the compared cases, apart from ones that do not count', () => {
    const problems: string[] = [];
    for (const c of cases) {
      const tree = trees.get(c.id)!;
      const run = runs.get(c.id)!;
      if (exclusionOf(tree, run) !== null) continue;
      const family = familyOf(c.host);
      const ours = ourQuestions(tree, family);
      for (const q of ours) if (!run.asked.has(q)) problems.push(`${c.id}: mailauth did not ask ${q}`);
      for (const q of run.asked) if (!ours.has(q) && explainExtra(q, tree, family) === null) problems.push(`${c.id}: mailauth asked ${q}, we did not`);
    }
    assert.deepEqual(problems, []);
  });
});
