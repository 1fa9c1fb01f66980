// An in-memory DnsResolver built from plain zone data, in the shape of the openspf test suite's
// `zonedata` (see test/vectors/README.md, "How zonedata encodes DNS"), so the same
// data drives our collectors, our SPF walker and mailauth (through `resolve`).
//
//   name not listed            -> NXDOMAIN, except names starting with "error." which time out
//   listed, no record of type  -> NODATA; if the name also lists TIMEOUT, the query times out
//   SPF records, no TXT entry  -> the SPF records are copied to TXT; "TXT: NONE" stops the copy
//   CNAME                      -> followed for other types; a loop is SERVFAIL
//   names                      -> case-insensitive, trailing dot ignored; empty labels, labels over
//                                 63 octets and names over 253 octets -> EBADNAME

import { DnsError } from '../../src/net/dns/types.ts';
import type { DnsAnswer, DnsErrorCode, DnsRecord, DnsResolver, RRType } from '../../src/net/dns/types.ts';

/** One entry of an owner's list: the bare string TIMEOUT, or `{ <TYPE>: value }`. */
export type ZoneEntry = string | Record<string, unknown>;
export type ZoneData = Record<string, ZoneEntry[] | ZoneEntry | null | undefined>;

export interface ZonedataResolverOptions {
  /** TTL put on every record (default 300). */
  ttl?: number;
  /** Called for every question asked through query() or resolve(), before it is answered. */
  onQuery?: (name: string, type: RRType) => void;
}

interface Owner {
  records: DnsRecord[];
  cname: string | null;
  timeout: boolean;
}

const RR_TYPES: readonly RRType[] = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'TLSA', 'CAA', 'SRV', 'SPF'];

function normalize(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function badName(name: string): string | null {
  if (name === '') return 'empty name';
  if (Buffer.byteLength(name, 'utf8') > 253) return 'name longer than 253 octets';
  for (const label of name.split('.')) {
    if (label === '') return 'empty label';
    if (Buffer.byteLength(label, 'utf8') > 63) return 'label longer than 63 octets';
  }
  return null;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function buildRecord(owner: string, type: RRType, value: unknown, ttl: number): DnsRecord {
  const name = owner;
  const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  switch (type) {
    case 'A':
      return { type, name, ttl, address: str(value) };
    case 'AAAA':
      return { type, name, ttl, address: str(value).toLowerCase() };
    case 'MX': {
      const [priority, exchange] = Array.isArray(value) ? value : [(value as { priority: number }).priority, (value as { exchange: string }).exchange];
      return { type, name, ttl, data: { priority: Number(priority), exchange: normalize(str(exchange)) } };
    }
    case 'TXT':
    case 'SPF':
      // A string is one character-string; a list is several strings of one record (RFC 7208 3.3).
      return { type, name, ttl, strings: Array.isArray(value) ? value.map(str) : [str(value)] };
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { type, name, ttl, target: normalize(str(value)) };
    case 'TLSA': {
      const [usage, selector, matchingType, data] = Array.isArray(value) ? value
        : [(value as Record<string, unknown>).usage, (value as Record<string, unknown>).selector, (value as Record<string, unknown>).matchingType, (value as Record<string, unknown>).data];
      return { type, name, ttl, data: { usage: Number(usage), selector: Number(selector), matchingType: Number(matchingType), data: str(data).toLowerCase() } };
    }
    case 'SOA': {
      const v = value as Record<string, unknown>;
      return {
        type, name, ttl,
        data: { mname: str(v.mname), rname: str(v.rname), serial: Number(v.serial ?? 1), refresh: Number(v.refresh ?? 3600), retry: Number(v.retry ?? 600), expire: Number(v.expire ?? 86400), minimum: Number(v.minimum ?? 300) },
      };
    }
    case 'CAA': {
      const [flags, tag, caaValue] = Array.isArray(value) ? value
        : [(value as Record<string, unknown>).flags, (value as Record<string, unknown>).tag, (value as Record<string, unknown>).value];
      return { type, name, ttl, data: { flags: Number(flags), tag: str(tag), value: str(caaValue) } };
    }
    case 'SRV': {
      const [priority, weight, port, target] = Array.isArray(value) ? value
        : [(value as Record<string, unknown>).priority, (value as Record<string, unknown>).weight, (value as Record<string, unknown>).port, (value as Record<string, unknown>).target];
      return { type, name, ttl, data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: normalize(str(target)) } };
    }
  }
}

function compile(zonedata: ZoneData, ttl: number): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const [ownerName, raw] of Object.entries(zonedata)) {
    const name = normalize(ownerName);
    const owner = owners.get(name) ?? { records: [], cname: null, timeout: false };
    owners.set(name, owner);
    let sawTxt = false;
    let txtNone = false;
    const spf: DnsRecord[] = [];
    for (const entry of raw === null || raw === undefined ? [] : asList(raw)) {
      if (entry === 'TIMEOUT') {
        owner.timeout = true;
        continue;
      }
      if (typeof entry !== 'object' || entry === null) throw new Error(`zonedata ${ownerName}: unknown entry ${JSON.stringify(entry)}`);
      for (const [key, value] of Object.entries(entry)) {
        const type = key.toUpperCase() as RRType;
        if (!RR_TYPES.includes(type)) throw new Error(`zonedata ${ownerName}: unknown record type ${key}`);
        if (type === 'TXT') {
          sawTxt = true;
          if (value === 'NONE') {
            txtNone = true;
            continue;
          }
        }
        const record = buildRecord(name, type, value, ttl);
        if (type === 'CNAME') owner.cname = (record as { target: string }).target;
        if (type === 'SPF') spf.push(record);
        owner.records.push(record);
      }
    }
    // The reference driver publishes SPF (type 99) records as TXT too, unless the owner lists TXT.
    if (!sawTxt && !txtNone) {
      for (const record of spf) owner.records.push({ ...(record as { strings: string[] }), type: 'TXT', name, ttl });
    }
  }
  return owners;
}

function answerOf(name: string, type: RRType, partial: Partial<DnsAnswer>): DnsAnswer {
  return {
    name, type, outcome: 'ok', rcode: 'NOERROR', error: null, records: [], cnames: [],
    authenticated: false, server: 'zonedata', ms: 0, fromCache: false, ...partial,
  };
}

/** Node's dns.promises shapes for one answer (what mailauth expects from `resolve`). */
function nodeShape(type: RRType, records: DnsRecord[]): unknown {
  const values = records.map((r) => {
    switch (r.type) {
      case 'A':
      case 'AAAA': return r.address;
      case 'MX': return { exchange: r.data.exchange, priority: r.data.priority };
      case 'TXT':
      case 'SPF': return r.strings;
      case 'CNAME':
      case 'PTR':
      case 'NS': return r.target;
      case 'SRV': return { priority: r.data.priority, weight: r.data.weight, port: r.data.port, name: r.data.target };
      default: return r.data;
    }
  });
  return type === 'SOA' ? values[0] : values;
}

export function zonedataResolver(zonedata: ZoneData, options: ZonedataResolverOptions = {}): DnsResolver {
  const owners = compile(zonedata, options.ttl ?? 300);

  const answer = (asked: string, type: RRType): DnsAnswer => {
    const name = normalize(asked);
    const problem = badName(name);
    if (problem !== null) return answerOf(name, type, { outcome: 'error', rcode: null, error: 'EBADNAME', errorDetail: problem });
    const cnames: string[] = [];
    let current = name;
    const seen = new Set<string>();
    for (;;) {
      seen.add(current);
      const owner = owners.get(current);
      if (!owner) {
        if (current.startsWith('error.')) return answerOf(name, type, { outcome: 'error', rcode: null, error: 'ETIMEOUT', cnames });
        return answerOf(name, type, { outcome: 'nxdomain', rcode: 'NXDOMAIN', error: 'ENOTFOUND', cnames });
      }
      const records = owner.records.filter((r) => r.type === type);
      if (records.length > 0) return answerOf(name, type, { records, cnames });
      if (owner.cname !== null && type !== 'CNAME') {
        cnames.push(owner.cname);
        if (seen.has(owner.cname) || cnames.length > 16) {
          return answerOf(name, type, { outcome: 'error', rcode: 'SERVFAIL', error: 'ESERVFAIL', errorDetail: 'CNAME loop', cnames });
        }
        current = owner.cname;
        continue;
      }
      if (owner.timeout) return answerOf(name, type, { outcome: 'error', rcode: null, error: 'ETIMEOUT', cnames });
      return answerOf(name, type, { outcome: 'nodata', error: 'ENODATA', cnames });
    }
  };

  return {
    async query(name: string, type: RRType): Promise<DnsAnswer> {
      options.onQuery?.(name, type);
      return answer(name, type);
    },
    async resolve(name: string, type: RRType): Promise<unknown> {
      options.onQuery?.(name, type);
      const result = answer(name, type);
      if (result.outcome === 'ok') return nodeShape(type, result.records);
      const code: DnsErrorCode = result.error ?? 'ESERVFAIL';
      throw new DnsError(code, result.name, type, result.errorDetail);
    },
  };
}
