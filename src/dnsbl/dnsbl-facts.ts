// The blocklist facts: what the dnsbl collector asked each list, what each list answered and
// how that answer reads, as plain JSON (saved by --save-facts and judged again by --facts, so
// everything a check needs about a list travels with the facts, not with data/dnsbl.json).
import type { LookupFact } from '../core/facts.ts';
import type { DnsblKind, DnsblList, DnsblQueryForm, DnsblVerdict } from './dnsbl-list.ts';

/**
 * How one subject reads on one list.
 *  - listed / not-listed / refused / invalid: interpretAnswer's verdict on the A records;
 *  - error: the lookup itself failed (timeout, SERVFAIL, REFUSED rcode...), status unknown;
 *  - not-applicable: the list cannot be asked about this subject (an IPv6 address on an
 *    IPv4-only list, a private address);
 *  - not-queried: the list failed its test points from this resolver, so it was not asked.
 */
export type DnsblAnswerVerdict = DnsblVerdict | 'error' | 'not-applicable' | 'not-queried';

/** Where a subject came from. */
export type DnsblSubjectSource = 'mx' | 'target' | 'ip-option' | 'domain' | 'organizational-domain';

export interface DnsblSubjectFact {
  kind: DnsblKind;
  /** an IP address as found, or a lowercase domain */
  subject: string;
  /** 4 or 6 for addresses, null for domains */
  family: 4 | 6 | null;
  sources: DnsblSubjectSource[];
  /** MX host names that resolve to this address */
  hosts: string[];
  /** why no list is asked about this subject (a private address), else null */
  notApplicable: string | null;
}

/** What a check needs to know about a list, copied from its curated entry or --dnsbl spec. */
export interface DnsblListInfo {
  zone: string;
  name: string;
  kind: DnsblKind;
  ipv6: boolean;
  /** 1..10, how much a listing hurts deliverability */
  weight: number;
  info: string | null;
  removal: string | null;
  queryForm: DnsblQueryForm | null;
  refusesPublicResolvers: boolean;
  /** fields whose value the list's own documentation did not confirm ("codes": answer meanings unknown) */
  unconfirmed: string[];
  /** true for an entry of data/dnsbl.json, false for a zone the user named without curated data */
  curated: boolean;
}

/** One test point query (RFC 5782 section 5). */
export interface DnsblTestPointFact {
  point: string;
  expected: 'listed' | 'not-listed';
  queryName: string | null;
  lookup: LookupFact<string>;
  /** interpretAnswer's verdict, or 'error' when the lookup failed */
  verdict: DnsblVerdict | 'error';
  codes: string[];
  meanings: string[];
  detail: string | null;
  /** the point read as expected */
  ok: boolean;
}

export interface DnsblSanityFact {
  /** both test points read as expected, so this resolver's answers from the list can be trusted */
  usable: boolean;
  /** why not, else null */
  reason: string | null;
  listed: DnsblTestPointFact;
  notListed: DnsblTestPointFact;
}

export interface DnsblListFacts extends DnsblListInfo {
  /** the test point answers; null when the list had no subject it could answer for, so it was not asked at all */
  sanity: DnsblSanityFact | null;
}

/** One list's answer about one subject. */
export interface DnsblAnswerFact {
  zone: string;
  kind: DnsblKind;
  subject: string;
  /** the name asked (A and TXT), null when the list could not be asked */
  queryName: string | null;
  verdict: DnsblAnswerVerdict;
  /** the A records returned, as they came */
  addresses: string[];
  /** the answers that decided the verdict, and what each means on this list */
  codes: string[];
  meanings: string[];
  /** interpretAnswer's detail (unknown extra codes, rewritten answers), or why the list was not asked */
  detail: string | null;
  /** the TXT reason the list gives for a listing (one string per record) */
  txt: string[];
  /** the TXT lookup failed (the listing stands; only its reason is missing) */
  txtError: string | null;
  /** why this answer says nothing about the listing (lookup failure, refusal, rewritten answer), else null */
  error: string | null;
}

export interface DnsblFacts {
  /** the MX kind the addresses came from (domain targets), null for an IP target */
  mxKind: 'mx' | 'null-mx' | 'implicit' | 'none' | 'unknown' | null;
  /** the MX facts could not be gathered at all */
  mxError: string | null;
  /** MX hosts whose address lookups failed, so some mail server addresses may be missing */
  mxUnresolved: Array<{ host: string; error: string }>;
  subjects: DnsblSubjectFact[];
  lists: DnsblListFacts[];
  answers: DnsblAnswerFact[];
}

export function listInfo(list: DnsblList, curated: boolean): DnsblListInfo {
  return {
    zone: list.zone,
    name: list.name,
    kind: list.kind,
    ipv6: list.ipv6,
    weight: list.weight,
    info: list.info ?? null,
    removal: list.removal ?? null,
    queryForm: list.queryForm ?? null,
    refusesPublicResolvers: list.refusesPublicResolvers,
    unconfirmed: [...(list.unconfirmed ?? [])],
    curated,
  };
}

/**
 * `127.0.0.2: meaning; 127.0.0.4: meaning`, for messages and evidence. Codes a list gives no
 * meaning for (interpretAnswer's "listed (answer X; <list> gives no per-code meaning)") are
 * grouped: `127.0.0.2, 127.0.0.4 (<list> gives no per-code meaning)`.
 */
export function describeCodes(codes: readonly string[], meanings: readonly string[]): string {
  // interpretAnswer gives one meaning per code for refusals and listings by code; for bitmask
  // readings the counts may differ, so pair only when they line up.
  if (codes.length !== meanings.length) return `${codes.join(', ')}${meanings.length > 0 ? ` (${meanings.join('; ')})` : ''}`;
  const documented: string[] = [];
  const generic: string[] = [];
  let why = '';
  codes.forEach((code, i) => {
    const m = /^listed \(answer ([0-9.]+); (.+)\)$/.exec(meanings[i]!);
    if (m && m[1] === code) {
      generic.push(code);
      why = m[2]!;
    } else {
      documented.push(`${code}: ${meanings[i]}`);
    }
  });
  if (generic.length > 0) documented.push(`${generic.join(', ')} (${why})`);
  return documented.join('; ');
}
