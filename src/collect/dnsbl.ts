// DNS blocklist facts (RFC 5782). Wire steps:
// 1. the subjects: every address of every MX host (from the mx facts) or the IP target, plus
//    each --ip; for a domain target also the domain, and its organizational domain (tldts,
//    Public Suffix List with private suffixes) for lists that hold registrable domains only;
// 2. the lists: the shipped default set (data/dnsbl.json minus shut-down and key-only lists)
//    unless --no-default-dnsbls, plus each --dnsbl zone;
// 3. per list, its two test points (RFC 5782 section 5); a list that fails them from this
//    resolver is recorded as unusable and not asked about the subjects. They are asked from
//    the start, while step 1 waits for the MX hosts' addresses (a round trip saved; a bulk
//    run's cache answers them once for every domain), and used only for a list that has a
//    subject here;
// 4. per usable list and subject, the A record of the reversed IPv4 octets (section 2.1),
//    the reversed IPv6 nibbles for lists that accept them (section 2.4), or the domain; the
//    TXT reason when listed.
// Queries run concurrently, at most DNSBL_QUERIES_PER_ZONE in flight per zone across the run.
// Nothing is judged here: a refusal or a rewritten answer is recorded as what it is.
import net from 'node:net';
import { getDomain } from 'tldts';
import { defineCollector } from '../core/collector.ts';
import type { AuditOptions } from '../core/context.ts';
import { describeLookupError } from '../core/facts.ts';
import type { AuditTarget } from '../core/target.ts';
import type { DnsblAnswerFact, DnsblFacts, DnsblListFacts, DnsblSanityFact, DnsblSubjectFact, DnsblSubjectSource } from '../dnsbl/dnsbl-facts.ts';
import { listInfo } from '../dnsbl/dnsbl-facts.ts';
import { isDefaultEnabled, loadShippedBlocklists, parseDnsblOption, type DnsblList } from '../dnsbl/dnsbl-list.ts';
import { checkTestPoints, notApplicableAnswer, notQueriedAnswer, queryList, type DnsblQueryContext } from '../dnsbl/query-dnsbl.ts';
import { zoneLimiterFor } from '../dnsbl/zone-limiter.ts';
import { classifyAddress, unmappedAddress } from '../net/address-class.ts';
import type { MxFacts } from './mx.ts';
import { mxAddresses } from './mx.ts';
import { expandIpv6 } from './ptr.ts';

export type { DnsblAnswerFact, DnsblFacts, DnsblListFacts, DnsblSubjectFact } from '../dnsbl/dnsbl-facts.ts';

declare module '../core/facts.ts' {
  interface FactMap { dnsbl: DnsblFacts }
}

export interface SelectedBlocklist { list: DnsblList; curated: boolean }

let shippedCache: readonly DnsblList[] | null = null;

/** data/dnsbl.json, read and validated once per process (a bulk run audits many domains). */
function shippedLists(): readonly DnsblList[] {
  shippedCache ??= loadShippedBlocklists();
  return shippedCache;
}

/**
 * The lists an audit asks: the default set unless `defaultDnsbls` is false, then each
 * `dnsbls` spec (zone[:ip|domain]) read with the curated data when the zone is known. A zone
 * named twice, or already in the default set, is asked once.
 */
export function selectBlocklists(options: Pick<AuditOptions, 'dnsbls' | 'defaultDnsbls'>): readonly SelectedBlocklist[] {
  // every target of a bulk run has the same options: select (and copy) the lists once per run,
  // frozen because all the run's audits share them (the copy was 2.5% of a bulk run's CPU)
  const key = JSON.stringify([options.defaultDnsbls, options.dnsbls]);
  if (lastSelection?.key !== key) lastSelection = { key, selected: deepFreeze(freshSelection(options)) };
  return lastSelection.selected;
}

let lastSelection: { key: string; selected: readonly SelectedBlocklist[] } | null = null;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function freshSelection(options: Pick<AuditOptions, 'dnsbls' | 'defaultDnsbls'>): SelectedBlocklist[] {
  const shipped = shippedLists();
  const isCurated = (list: DnsblList) => shipped.some((l) => l.zone === list.zone && l.kind === list.kind);
  const selected: SelectedBlocklist[] = options.defaultDnsbls
    ? shipped.filter(isDefaultEnabled).map((list) => ({ list: structuredClone(list), curated: true }))
    : [];
  for (const spec of options.dnsbls) {
    const list = parseDnsblOption(spec, shipped);
    if (selected.some((s) => s.list.zone === list.zone && s.list.kind === list.kind)) continue;
    selected.push({ list, curated: isCurated(list) });
  }
  return selected;
}

const addressKey = (address: string): string => (net.isIPv6(address) ? expandIpv6(address) : address);

/**
 * Why no blocklist is asked about this address, or null. A blocklist answer is about one host on
 * the Internet, so addresses that name a different machine in every network (private, loopback,
 * link-local, shared CGN, ULA, benchmarking: scope "local", IANA special-purpose registries) and
 * addresses of no single host (multicast, broadcast, unspecified) are not looked up; asking
 * would leak internal addressing for an answer that says nothing about this server. Addresses
 * that are unique though unrouted (documentation, reserved) are looked up like any other.
 */
function notLookedUpReason(address: string): string | null {
  const cls = classifyAddress(address);
  if (cls === null) return `${address} is not an IP address`;
  if (cls.scope !== 'local' && cls.scope !== 'non-unicast') return null;
  return `${address} is ${cls.description}: blocklists list public addresses only`;
}

interface IpSubjects extends Pick<DnsblFacts, 'mxKind' | 'mxError' | 'mxUnresolved'> { subjects: DnsblSubjectFact[] }

async function ipSubjects(target: AuditTarget, options: AuditOptions, need: () => Promise<MxFacts>): Promise<IpSubjects> {
  const byAddress = new Map<string, DnsblSubjectFact>();
  const add = (written: string, source: DnsblSubjectSource, hosts: readonly string[] = []) => {
    // RFC 4291 2.5.5.2: an IPv4-mapped IPv6 address is that IPv4 address, and is looked up as one.
    const address = unmappedAddress(written);
    const key = addressKey(address);
    let subject = byAddress.get(key);
    if (!subject) {
      subject = {
        kind: 'ip', subject: address, family: net.isIPv6(address) ? 6 : 4, sources: [], hosts: [],
        notApplicable: notLookedUpReason(address),
      };
      byAddress.set(key, subject);
    }
    if (!subject.sources.includes(source)) subject.sources.push(source);
    for (const h of hosts) if (!subject.hosts.includes(h)) subject.hosts.push(h);
  };
  let mxKind: MxFacts['kind'] | null = null;
  let mxError: string | null = null;
  const mxUnresolved: DnsblFacts['mxUnresolved'] = [];
  if (target.kind === 'ip') {
    add(target.ip, 'target');
  } else {
    try {
      const mx = await need();
      mxKind = mx.kind;
      for (const entry of mxAddresses(mx)) add(entry.address, 'mx', entry.hosts);
      for (const host of mx.hosts) {
        const failed = [host.a, host.aaaa].find((l) => l.outcome === 'error');
        if (failed) mxUnresolved.push({ host: host.name, error: describeLookupError(failed) });
      }
    } catch (error) {
      // the domain lists are still worth asking; the IP check reports the MX problem
      mxError = error instanceof Error ? error.message : String(error);
    }
  }
  for (const ip of options.ips) add(ip, 'ip-option');
  return { subjects: [...byAddress.values()], mxKind, mxError, mxUnresolved };
}

/** The domain, and its organizational domain when that differs (mail.example.co.uk -> example.co.uk). */
function domainSubjects(target: AuditTarget): DnsblSubjectFact[] {
  if (target.kind !== 'domain') return [];
  const domain = target.domain;
  const organizational = getDomain(domain, { allowPrivateDomains: true }) ?? domain;
  const base = { kind: 'domain' as const, family: null, hosts: [], notApplicable: null };
  if (organizational === domain) return [{ ...base, subject: domain, sources: ['domain', 'organizational-domain'] }];
  return [
    { ...base, subject: domain, sources: ['domain'] },
    { ...base, subject: organizational, sources: ['organizational-domain'] },
  ];
}

/**
 * The subjects one list is asked about. Domain lists: the domain itself, which a wildcarded
 * zone (queryForm "domain") matches at any level; lists that hold registrable domains only
 * (queryForm "organizational-domain") are asked the organizational domain too.
 */
function subjectsFor(list: DnsblList, subjects: readonly DnsblSubjectFact[]): DnsblSubjectFact[] {
  const ofKind = subjects.filter((s) => s.kind === list.kind);
  if (list.kind === 'ip') return ofKind;
  return ofKind.filter((s) => s.sources.includes('domain') || list.queryForm === 'organizational-domain');
}

/** Why this list cannot be asked about this subject, or null. */
function inapplicable(list: DnsblList, subject: DnsblSubjectFact): string | null {
  if (subject.notApplicable) return subject.notApplicable;
  if (list.kind === 'ip' && subject.family === 6 && !list.ipv6) return `${list.name} accepts IPv4 queries only`;
  return null;
}

async function askList(selected: SelectedBlocklist, testPoints: Promise<DnsblSanityFact>, context: DnsblQueryContext, subjects: readonly DnsblSubjectFact[]): Promise<{ list: DnsblListFacts; answers: DnsblAnswerFact[] }> {
  const { list, curated } = selected;
  const mine = subjectsFor(list, subjects);
  const applicable = mine.filter((s) => inapplicable(list, s) === null);
  // no subject this list can answer for: its test points are not used either, so a list that
  // is irrelevant here (an IPv4-only list for an IPv6-only server) cannot turn the check into an error
  const sanity = applicable.length > 0 ? await testPoints : null;
  const answers = await Promise.all(mine.map((s) => {
    const reason = inapplicable(list, s);
    if (reason) return notApplicableAnswer(list, s.subject, reason);
    if (!sanity!.usable) return notQueriedAnswer(list, s.subject, sanity!.reason ?? 'its test points did not read as expected');
    return queryList(context, list, s.subject);
  }));
  return { list: { ...listInfo(list, curated), sanity }, answers };
}

export const dnsblCollector = defineCollector({
  key: 'dnsbl',
  async collect({ target, env, options, need }): Promise<DnsblFacts> {
    const selected = selectBlocklists(options);
    const context: DnsblQueryContext = { resolver: env.resolver, limiter: zoneLimiterFor(env.resolver) };
    const testPoints = new Map(selected.map((s) => {
      const sanity = checkTestPoints(context, s.list);
      // a list with no subject here never awaits its test points: a rejection (a resolver that
      // throws) must not go unhandled; a list that awaits them still sees it
      sanity.catch(() => undefined);
      return [s, sanity] as const;
    }));
    const ip = await ipSubjects(target, options, () => need('mx'));
    const subjects = [...ip.subjects, ...domainSubjects(target)];
    const asked = selected.filter((s) => subjectsFor(s.list, subjects).length > 0);
    const results = await Promise.all(asked.map((s) => askList(s, testPoints.get(s)!, context, subjects)));
    return {
      mxKind: ip.mxKind,
      mxError: ip.mxError,
      mxUnresolved: ip.mxUnresolved,
      subjects,
      lists: results.map((r) => r.list),
      answers: results.flatMap((r) => r.answers),
    };
  },
});
