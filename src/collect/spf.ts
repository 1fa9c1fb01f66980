// SPF facts. Wire steps:
// 1. walkSpf: TXT <domain>, then every include/redirect target's TXT and the A/AAAA/MX/A queries
//    of the a, mx and exists terms, depth-first in evaluation order (src/spf/walk-spf.ts);
// 2. TXT of every record in the tree again (answered from the run's cache) to keep the
//    character-strings each record is published as, since RFC 7208 3.3 joins them without a
//    separator and a missing space at a boundary glues two terms together;
// 3. with no SPF record in TXT: the retired SPF RR type (99) at the domain, to say why a record
//    that "is published" is not seen (RFC 7208 3.1: SPF records are published as TXT only);
// 4. with --ip: check_host() for each sending IP, evaluated by mailauth in strict mode through
//    the same resolver (src/spf/check-host.ts), for MAIL FROM postmaster@<domain> and HELO <domain>.
// Steps 1 and 4 run concurrently. It does not judge anything.
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { lookupFact } from '../net/dns/lookup-fact.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import type { CheckHostResult } from '../spf/check-host.ts';
import { CHECK_HOST_EVALUATOR } from '../spf/evaluator-name.ts';
import { rootState, spfNodes } from '../spf/inspect-tree.ts';
import { isSpfRecord } from '../spf/parse-spf.ts';
import type { SpfTree } from '../spf/spf-types.ts';
import { walkSpf } from '../spf/walk-spf.ts';

export interface SpfIdentity {
  /** MAIL FROM used for --ip evaluation; '' checks the HELO identity. */
  sender: string;
  helo: string;
}

export interface SpfFacts {
  domain: string;
  /** The walked include/redirect tree with every count (src/spf/spf-types.ts). */
  tree: SpfTree;
  /** For each record in the tree, by domain: the character-strings of each SPF record as published. */
  recordStrings: Record<string, string[][]>;
  /** SPF-looking records of the retired SPF RR type (99) at the domain; asked only when TXT holds no SPF record, else null. */
  spfTypeRecords: LookupFact<string> | null;
  /** The identity the --ip evaluations checked. */
  identity: SpfIdentity;
  /** Who evaluated check_host() for the --ip addresses. */
  evaluator: string;
  /** One check_host() result per --ip address, in the order given. */
  ipEvaluations: CheckHostResult[];
}

declare module '../core/facts.ts' {
  interface FactMap { spf: SpfFacts }
}

/** Identity overrides for programmatic callers: options.extra.spf = { sender, helo }. */
function identityFor(domain: string, extra: unknown): SpfIdentity {
  const given = (typeof extra === 'object' && extra !== null ? extra : {}) as { sender?: unknown; helo?: unknown };
  return {
    sender: typeof given.sender === 'string' ? given.sender : `postmaster@${domain}`,
    helo: typeof given.helo === 'string' ? given.helo : domain,
  };
}

async function recordStrings(resolver: DnsResolver, tree: SpfTree): Promise<Record<string, string[][]>> {
  const domains = [...new Set([...spfNodes(tree.root)].filter((n) => n.spfRecords.length > 0).map((n) => n.domain))];
  const out: Record<string, string[][]> = {};
  await Promise.all(domains.map(async (domain) => {
    const answer = await resolver.query(domain, 'TXT');
    const strings = answer.records.flatMap((r) => (r.type === 'TXT' || r.type === 'SPF') && isSpfRecord(r.strings.join('')) ? [r.strings] : []);
    if (strings.length > 0) out[domain] = strings;
  }));
  return out;
}

/** check_host() for each --ip; mailauth (a large module tree) is loaded only when there is an IP to evaluate. */
async function evaluateIps(resolver: DnsResolver, ips: readonly string[], identity: SpfIdentity, mta: string): Promise<CheckHostResult[]> {
  if (ips.length === 0) return [];
  const { checkHost } = await import('../spf/check-host.ts');
  return Promise.all(ips.map((ip) => checkHost(resolver, { ip, sender: identity.sender, helo: identity.helo, mta })));
}

export const spfCollector = defineCollector({
  key: 'spf',
  async collect({ target, env, options }): Promise<SpfFacts> {
    if (target.kind !== 'domain') throw new Error('SPF facts need a domain target');
    const domain = target.domain;
    const identity = identityFor(domain, options.extra.spf);
    const [tree, ipEvaluations] = await Promise.all([
      walkSpf(domain, env.resolver, { prefetch: true }),
      evaluateIps(env.resolver, options.ips, identity, options.ehloName),
    ]);
    const [strings, spfTypeRecords] = await Promise.all([
      recordStrings(env.resolver, tree),
      rootState(tree).kind === 'none'
        ? env.resolver.query(domain, 'SPF').then((answer) => lookupFact(answer, (r) => (r.type === 'SPF' && isSpfRecord(r.strings.join('')) ? r.strings.join('') : null)))
        : Promise.resolve(null),
    ]);
    // The tree is plain data by design; the round trip guarantees it (no undefined, no prototypes) for --save-facts.
    return JSON.parse(JSON.stringify({
      domain, tree, recordStrings: strings, spfTypeRecords, identity, evaluator: CHECK_HOST_EVALUATOR, ipEvaluations,
    })) as SpfFacts;
  },
});
