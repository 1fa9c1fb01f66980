// Asking one blocklist, through the run's resolver (so answers are cached and shared across
// the domains of a bulk run) and the per-zone limiter. Two steps per list:
//
// 1. Test points (RFC 5782 section 5): the always-listed point must read as listed and the
//    never-listed point as not listed. A list that fails either, from this resolver, cannot be
//    trusted: a resolver that rewrites NXDOMAIN answers every name, a list that refuses public
//    resolvers answers 127.255.255.254 to every name, a mistyped or dead zone answers nothing.
// 2. Each subject: the A record of the reversed address or domain under the zone (RFC 5782
//    section 2), read by interpretAnswer; when listed, the TXT record at the same name, which
//    by convention carries the reason and a lookup URL (RFC 5782 section 2.1).
//
// Lookup failures are data: a timeout or SERVFAIL is `error` for that list, never a listing.
import { lookupFact, pickAddress } from '../net/dns/lookup-fact.ts';
import type { DnsAnswer, DnsResolver, RRType } from '../net/dns/types.ts';
import { describeCodes, type DnsblAnswerFact, type DnsblSanityFact, type DnsblTestPointFact } from './dnsbl-facts.ts';
import { dnsblQueryName, interpretAnswer, type DnsblList } from './dnsbl-list.ts';
import type { ZoneLimiter } from './zone-limiter.ts';

export interface DnsblQueryContext {
  resolver: DnsResolver;
  limiter: ZoneLimiter;
}

function ask(context: DnsblQueryContext, list: DnsblList, name: string, type: RRType): Promise<DnsAnswer> {
  return context.limiter.run(list.zone, () => context.resolver.query(name, type));
}

function emptyLookup(error: string): DnsblTestPointFact['lookup'] {
  return { outcome: 'error', values: [], error };
}

async function askTestPoint(context: DnsblQueryContext, list: DnsblList, expected: 'listed' | 'not-listed'): Promise<DnsblTestPointFact> {
  const point = expected === 'listed' ? list.testListed : list.testNotListed;
  let queryName: string;
  try {
    queryName = dnsblQueryName(list, point);
  } catch (error) {
    const message = (error as Error).message;
    return { point, expected, queryName: null, lookup: emptyLookup(message), verdict: 'error', codes: [], meanings: [], detail: message, ok: false };
  }
  const lookup = lookupFact(await ask(context, list, queryName, 'A'), pickAddress);
  if (lookup.outcome === 'error') {
    return { point, expected, queryName, lookup, verdict: 'error', codes: [], meanings: [], detail: null, ok: false };
  }
  const reading = interpretAnswer(list, lookup.values);
  return {
    point, expected, queryName, lookup,
    verdict: reading.verdict,
    codes: reading.codes,
    meanings: reading.meanings,
    detail: reading.detail ?? null,
    ok: reading.verdict === expected,
  };
}

/** Why a test point did not read as expected, in one clause. */
function testPointProblem(fact: DnsblTestPointFact): string {
  const which = fact.expected === 'listed' ? 'always-listed' : 'never-listed';
  switch (fact.verdict) {
    case 'error':
      return `its ${which} test point ${fact.point} could not be looked up (${fact.lookup.error ?? fact.detail ?? 'error'})`;
    case 'refused':
      return `it refused the query for its ${which} test point ${fact.point} (${describeCodes(fact.codes, fact.meanings)})`;
    case 'invalid':
      return `its ${which} test point ${fact.point} got an answer that cannot be trusted: ${fact.detail ?? fact.codes.join(', ')}`;
    case 'not-listed':
      return `its ${which} test point ${fact.point} is not listed (${fact.lookup.outcome === 'nxdomain' ? 'NXDOMAIN' : 'no A record'}): the zone may be mistyped or shut down, or this resolver does not reach it`;
    case 'listed':
      return `its ${which} test point ${fact.point} is listed (${describeCodes(fact.codes, fact.meanings)}): the list, or the resolver, answers every query`;
  }
}

/**
 * RFC 5782 section 5: every IPv4 list lists 127.0.0.2 and never 127.0.0.1, every domain
 * list lists TEST and never INVALID (or the points the operator documents instead). The
 * answers for both decide whether this resolver's answers from the list can be trusted.
 */
export async function checkTestPoints(context: DnsblQueryContext, list: DnsblList): Promise<DnsblSanityFact> {
  const [listed, notListed] = await Promise.all([
    askTestPoint(context, list, 'listed'),
    askTestPoint(context, list, 'not-listed'),
  ]);
  const failed = [listed, notListed].filter((p) => !p.ok);
  if (failed.length === 0) return { usable: true, reason: null, listed, notListed };
  let reason: string;
  const [first, second] = failed as [DnsblTestPointFact, DnsblTestPointFact | undefined];
  if (second && first.verdict === 'error' && second.verdict === 'error' && first.lookup.error === second.lookup.error) {
    reason = `its test points ${first.point} and ${second.point} could not be looked up (${first.lookup.error ?? 'error'})`;
  } else if (second && first.verdict === 'refused' && second.verdict === 'refused' && first.codes.join() === second.codes.join()) {
    reason = `it refused the queries for its test points ${first.point} and ${second.point} (${describeCodes(first.codes, first.meanings)})`;
  } else if (second && first.verdict === 'invalid' && second.verdict === 'invalid' && first.codes.join() === second.codes.join()) {
    reason = `its test points ${first.point} and ${second.point} both got answers that cannot be trusted: ${first.detail ?? first.codes.join(', ')}`;
  } else {
    reason = failed.map(testPointProblem).join('; ');
  }
  return { usable: false, reason, listed, notListed };
}

function blankAnswer(list: DnsblList, subject: string, queryName: string | null): DnsblAnswerFact {
  return {
    zone: list.zone, kind: list.kind, subject, queryName,
    verdict: 'not-listed', addresses: [], codes: [], meanings: [], detail: null, txt: [], txtError: null, error: null,
  };
}

/** A subject the list cannot be asked about (an IPv6 address on an IPv4-only list, a private address). */
export function notApplicableAnswer(list: DnsblList, subject: string, reason: string): DnsblAnswerFact {
  return { ...blankAnswer(list, subject, null), verdict: 'not-applicable', detail: reason };
}

/** A subject not asked because the list failed its test points from this resolver. */
export function notQueriedAnswer(list: DnsblList, subject: string, reason: string): DnsblAnswerFact {
  return { ...blankAnswer(list, subject, null), verdict: 'not-queried', detail: reason, error: `${list.name} is unusable from this resolver: ${reason}` };
}

/** Asks `list` about one subject (an address, or a domain already reduced as the list wants). */
export async function queryList(context: DnsblQueryContext, list: DnsblList, subject: string): Promise<DnsblAnswerFact> {
  let queryName: string;
  try {
    queryName = dnsblQueryName(list, subject);
  } catch (error) {
    return notApplicableAnswer(list, subject, (error as Error).message);
  }
  const answer = blankAnswer(list, subject, queryName);
  const lookup = lookupFact(await ask(context, list, queryName, 'A'), pickAddress);
  if (lookup.outcome === 'error') {
    return { ...answer, verdict: 'error', error: `the lookup of ${queryName} failed: ${lookup.error ?? 'error'}` };
  }
  const reading = interpretAnswer(list, lookup.values);
  answer.verdict = reading.verdict;
  answer.addresses = lookup.values;
  answer.codes = reading.codes;
  answer.meanings = reading.meanings;
  answer.detail = reading.detail ?? null;
  if (reading.verdict === 'refused') {
    answer.error = `${list.name} refused the query for ${subject} (${describeCodes(reading.codes, reading.meanings)}); the listing status is unknown`;
  } else if (reading.verdict === 'invalid') {
    answer.error = reading.detail ?? `answer ${reading.codes.join(', ')} cannot be trusted`;
  } else if (reading.verdict === 'listed') {
    const txt = await ask(context, list, queryName, 'TXT');
    if (txt.outcome === 'error') {
      answer.txtError = lookupFact(txt, pickAddress).error ?? 'error';
    } else {
      // RFC 1035 3.3.14: a TXT record is one or more character-strings; a long reason is split
      // across them, so each record's strings are joined back without a separator.
      answer.txt = txt.records.flatMap((r) => (r.type === 'TXT' ? [r.strings.join('')] : []));
    }
  }
  return answer;
}
