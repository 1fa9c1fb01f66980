// DMARC facts. Wire steps:
// 1. TXT at `_dmarc.<name>` for every name of the RFC 9989 section 4.10 DNS Tree Walk (the
//    domain, then its parents, at most 8 queries), all at once: an audit wants the whole
//    picture, and the walk's early stop (a psd tag) is applied when the answers are read;
// 2. A, AAAA and MX of the domain itself: RFC 9989 4.10.1 applies `np` instead of `sp` to a
//    subdomain that does not exist (NXDOMAIN or NODATA for all three, RFC 9091 2.7);
// 3. for every rua/ruf host outside the Organizational Domain of the record that applies,
//    TXT at `<policy domain>._report._dmarc.<host>` and at `*._report._dmarc.<host>`
//    (RFC 7489 section 7.1).
// It also notes the Public Suffix List's Organizational Domain (RFC 7489 3.2) so the checks can
// say when RFC 7489 receivers see a different one. It judges nothing: the checks do.
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { pslOrganizationalDomain } from '../dmarc/public-suffix.ts';
import {
  authorizes, isExternalDestination, reportAuthorizationName, reportDestinations, wildcardAuthorizationName,
} from '../dmarc/report-authorization.ts';
import { interpretTreeWalk, treeWalkNames, type OrgDomainRule, type PolicySource } from '../dmarc/tree-walk.ts';
import { lookupFact } from '../net/dns/lookup-fact.ts';
import type { DnsRecord, DnsResolver } from '../net/dns/types.ts';
import { parseDmarc } from '../parse/dmarc-record.ts';

export interface DmarcWalkStep {
  /** the name the step is about; the query is `_dmarc.<domain>` */
  domain: string;
  name: string;
  /** every TXT record, the strings of each record concatenated */
  txt: LookupFact<string>;
}

export interface DmarcExternalDestination {
  host: string;
  uris: string[];
  tags: Array<'rua' | 'ruf'>;
  /** `<policy domain>._report._dmarc.<host>` */
  name: string;
  lookup: LookupFact<string>;
  /** `*._report._dmarc.<host>` */
  wildcardName: string;
  wildcard: LookupFact<string>;
  /** true: a v=DMARC1 record authorizes it; false: none does; null: the lookups failed */
  authorized: boolean | null;
  /** which name authorized it */
  authorizedBy: string | null;
}

export interface DmarcFacts {
  domain: string;
  /** the Tree Walk, starting point first */
  walk: DmarcWalkStep[];
  /** where a psd tag stopped the walk (RFC 9989 4.10 steps 2 and 6), or null */
  stoppedAt: string | null;
  /** the Tree Walk's Organizational Domain (RFC 9989 4.10.2) and the rule that chose it */
  orgDomain: string;
  orgDomainRule: OrgDomainRule;
  /** the Public Suffix List's Organizational Domain (RFC 7489 3.2), null when it has none */
  pslOrgDomain: string | null;
  /** the record that applies to the domain (RFC 9989 4.10.1), or null */
  applied: { domain: string; source: PolicySource; record: string } | null;
  /** a lookup the result depends on failed, so `applied` may be missing a record */
  incomplete: boolean;
  /** RFC 9989 4.10.1 / RFC 9091 2.7: false when A, AAAA and MX are all NXDOMAIN or NODATA; null when unknown */
  domainExists: boolean | null;
  existence: { a: LookupFact<string>['outcome']; aaaa: LookupFact<string>['outcome']; mx: LookupFact<string>['outcome'] };
  /** rua/ruf hosts outside the Organizational Domain, with their authorization lookups */
  external: DmarcExternalDestination[];
}

declare module '../core/facts.ts' {
  interface FactMap { dmarc: DmarcFacts }
}

/** TXT records as text: RFC 7208 3.3 / RFC 6376 3.6.2.2 join a record's strings without a separator. */
export const pickJoinedText = (r: DnsRecord): string | null => (r.type === 'TXT' ? r.strings.join('') : null);

export async function txtLookup(resolver: DnsResolver, name: string): Promise<LookupFact<string>> {
  return lookupFact(await resolver.query(name, 'TXT'), pickJoinedText);
}

async function destinationFacts(
  resolver: DnsResolver, policyDomain: string, destination: ReturnType<typeof reportDestinations>[number],
): Promise<DmarcExternalDestination> {
  const name = reportAuthorizationName(policyDomain, destination.host);
  const wildcardName = wildcardAuthorizationName(destination.host);
  const [lookup, wildcard] = await Promise.all([txtLookup(resolver, name), txtLookup(resolver, wildcardName)]);
  let authorized: boolean | null = false;
  let authorizedBy: string | null = null;
  if (authorizes(lookup.values)) {
    authorized = true;
    authorizedBy = name;
  } else if (authorizes(wildcard.values)) {
    authorized = true;
    authorizedBy = wildcardName;
  } else if (lookup.outcome === 'error') {
    authorized = null;
  }
  return { ...destination, name, lookup, wildcardName, wildcard, authorized, authorizedBy };
}

export const dmarcCollector = defineCollector({
  key: 'dmarc',
  async collect({ target, env }): Promise<DmarcFacts> {
    if (target.kind !== 'domain') throw new Error('DMARC facts need a domain target');
    const domain = target.domain;
    const resolver = env.resolver;

    const names = treeWalkNames(domain);
    const [walk, a, aaaa, mx] = await Promise.all([
      Promise.all(names.map(async (name): Promise<DmarcWalkStep> => ({
        domain: name, name: `_dmarc.${name}`, txt: await txtLookup(resolver, `_dmarc.${name}`),
      }))),
      resolver.query(domain, 'A'),
      resolver.query(domain, 'AAAA'),
      resolver.query(domain, 'MX'),
    ]);

    const result = interpretTreeWalk(walk.map((step) => ({
      domain: step.domain, txt: step.txt.values, failed: step.txt.outcome === 'error',
    })));

    const outcomes = [a.outcome, aaaa.outcome, mx.outcome];
    const domainExists = outcomes.includes('ok') ? true : outcomes.includes('error') ? null : false;

    let external: DmarcExternalDestination[] = [];
    if (result.applied) {
      const record = parseDmarc(result.applied.record);
      const policyDomain = result.applied.domain;
      const outside = reportDestinations(record.rua, record.ruf)
        .filter((d) => isExternalDestination(d.host, policyDomain, result.orgDomain));
      external = await Promise.all(outside.map((d) => destinationFacts(resolver, policyDomain, d)));
    }

    return {
      domain,
      walk,
      stoppedAt: result.stoppedAt === null ? null : walk[result.stoppedAt]!.domain,
      orgDomain: result.orgDomain,
      orgDomainRule: result.orgDomainRule,
      pslOrgDomain: pslOrganizationalDomain(domain),
      applied: result.applied,
      incomplete: result.incomplete,
      domainExists,
      existence: { a: a.outcome, aaaa: aaaa.outcome, mx: mx.outcome },
      external,
    };
  },
});
