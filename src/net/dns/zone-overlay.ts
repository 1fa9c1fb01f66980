// `--zone <file>`: audit a DNS change before it is published. A ZoneOverlayResolver sits in
// front of the run's resolver and answers, from RFC 1035 zone files, every question about a
// name the files are authoritative for; everything else goes to DNS unchanged.
//
// Authority, precisely (the rules an authoritative server follows, RFC 1034 section 4.3.2):
// - A zone file covers its origin (the `origin=` given with --zone, else its first $ORIGIN,
//   else the owner of its one SOA record) and every name below it...
// - ...except names at or below a delegation: an NS record set at a name other than the origin
//   cuts that subtree out (the child zone is served elsewhere), so those names go to DNS.
// - When several files cover a name, the one with the longest origin wins.
// - For a covered name the file is the whole truth: records of the asked type -> ok; the name
//   has other records, or only names below it exist (an empty non-terminal, RFC 8020) -> NODATA;
//   nothing at or below it -> NXDOMAIN. Published records for that name are never consulted.
// - Wildcards (`*.<encloser>`) synthesize answers for names that do not exist, at the closest
//   encloser only (RFC 4592 section 3.3.1).
// - A CNAME is followed (RFC 1034 section 3.6.2); when its target leaves the file's authority,
//   the rest of the chain is asked of the next resolver (or another zone file), as a recursive
//   resolver would, and the answer still counts as from the zone file: it depends on it.
// - Records whose owner is outside the origin are ignored, as BIND ignores out-of-zone data;
//   `ignoredOwners` lists them so the CLI can say so.
// - A record written twice is one record: RFC 2181 section 5 says an RRset never holds two RRs
//   with the same owner, class, type and data, and servers suppress such duplicates. Names are
//   compared as the parser gives them (lowercased); TXT strings and other data exactly. The
//   first copy is kept (its TTL: RFC 2181 section 5.2 wants one TTL per RRset anyway).
// Answers from a file carry `source: 'zone-file'`; collectors copy that into LookupFacts.
import { readFileSync } from 'node:fs';
import { parseZoneFile, type ZoneRecord } from '../../parse/zone-file.ts';
import { answerToNodeShape, normalizeName, type DnsLogEntry } from './resolver.ts';
import type { DnsAnswer, DnsRecord, DnsResolver, RRType } from './types.ts';
import { validateQueryName } from './wire.ts';

/** RFC 1034 section 3.6.2 leaves chain length to implementations; resolvers stop around 8-16. */
const MAX_CNAME_HOPS = 12;

export class ZoneOverlayError extends Error {
  override name = 'ZoneOverlayError';
}

/** One parsed zone file and what it is authoritative for. */
export interface OverlayZone {
  /** the file as the user named it (shown in reports) */
  file: string;
  /** lowercase, no trailing dot */
  origin: string;
  /** owner name -> records, for owners at or below the origin and outside delegations */
  byName: Map<string, ZoneRecord[]>;
  /** every owner and every name between an owner and the origin (empty non-terminals) */
  existing: Set<string>;
  /** delegation points: NS owners other than the origin */
  cuts: string[];
  /** owners outside the origin, ignored */
  ignoredOwners: string[];
}

const isAtOrBelow = (name: string, ancestor: string): boolean =>
  ancestor === '' || name === ancestor || name.endsWith(`.${ancestor}`);

/**
 * Builds an OverlayZone from zone-file text. `origin` overrides the file's own; without it the
 * first $ORIGIN, else the single SOA owner, is used. Throws ZoneOverlayError (or the parser's
 * ZoneFileError, which names the file and line) when the text or the origin is unusable.
 */
export function zoneFromText(text: string, file: string, origin?: string): OverlayZone {
  const parsed = parseZoneFile(text, { fileName: file, ...(origin ? { origin } : {}) });
  let zoneOrigin = origin ? normalizeName(origin) : parsed.origin;
  if (zoneOrigin === null) {
    const soaOwners = [...new Set(parsed.records.filter((r) => r.type === 'SOA').map((r) => r.name))];
    if (soaOwners.length !== 1) {
      throw new ZoneOverlayError(`${file}: cannot tell the zone's origin (no $ORIGIN and ${soaOwners.length === 0 ? 'no' : 'several'} SOA records); write it as --zone <origin>=${file}`);
    }
    zoneOrigin = soaOwners[0]!;
  }
  if (parsed.directives.length > 0) {
    const d = parsed.directives[0]!;
    throw new ZoneOverlayError(`${file}:${d.line}: directive ${d.name} is not supported in a --zone file`);
  }
  const inside = parsed.records.filter((r) => isAtOrBelow(r.name, zoneOrigin!));
  const ignoredOwners = [...new Set(parsed.records.filter((r) => !isAtOrBelow(r.name, zoneOrigin!)).map((r) => r.name))].sort();
  const cuts = [...new Set(inside.filter((r) => r.type === 'NS' && r.name !== zoneOrigin).map((r) => r.name))];
  const byName = new Map<string, ZoneRecord[]>();
  const existing = new Set<string>();
  const seen = new Set<string>();
  for (const record of inside) {
    // Data at or below a cut belongs to the child zone (glue included): DNS answers for it.
    if (cuts.some((cut) => isAtOrBelow(record.name, cut))) continue;
    const identity = recordIdentity(record);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const list = byName.get(record.name) ?? [];
    list.push(record);
    byName.set(record.name, list);
    const labels = record.name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const name = labels.slice(i).join('.');
      existing.add(name);
      if (name === zoneOrigin) break;
    }
  }
  existing.add(zoneOrigin);
  return { file, origin: zoneOrigin, byName, existing, cuts, ignoredOwners };
}

/** JSON with object keys sorted, so equal data gives equal text whatever order it was built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Owner, type and data of a record (RFC 2181 section 5: what makes two RRs the same); not the TTL. */
function recordIdentity(record: ZoneRecord): string {
  const { ttl: _ttl, ...identity } = record;
  return canonical(identity);
}

/**
 * Reads a `--zone` argument: `<file>` or `<origin>=<file>`. An argument that names an existing
 * file is always taken as a file, even when it contains `=`.
 */
export function readZoneFile(spec: string): OverlayZone {
  let file = spec;
  let origin: string | undefined;
  const eq = spec.indexOf('=');
  if (eq > 0) {
    let plainFile = false;
    try { readFileSync(spec); plainFile = true; } catch { /* not a file by that whole name */ }
    if (!plainFile) {
      origin = spec.slice(0, eq);
      file = spec.slice(eq + 1);
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ZoneOverlayError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return zoneFromText(text, file, origin);
}

function answer(name: string, type: RRType, zone: OverlayZone, partial: Partial<DnsAnswer>): DnsAnswer {
  return {
    name, type, outcome: 'ok', rcode: 'NOERROR', error: null, records: [], cnames: [], authenticated: false,
    server: `zone file ${zone.file}`, ms: 0, fromCache: false, source: 'zone-file', ...partial,
  };
}

/** Two files for one origin would make the answer depend on their order: refused. */
export function assertDistinctOrigins(zones: readonly OverlayZone[]): void {
  const origins = new Map<string, string>();
  for (const zone of zones) {
    const other = origins.get(zone.origin);
    if (other !== undefined) throw new ZoneOverlayError(`--zone ${other} and --zone ${zone.file} are both for ${zone.origin || 'the root'}`);
    origins.set(zone.origin, zone.file);
  }
}

export interface ZoneOverlayOptions {
  /** one entry per question answered from a file (--verbose) */
  log?: (entry: DnsLogEntry) => void;
}

export class ZoneOverlayResolver implements DnsResolver {
  readonly zones: readonly OverlayZone[];
  private readonly next: DnsResolver;
  private readonly log?: (entry: DnsLogEntry) => void;

  constructor(next: DnsResolver, zones: readonly OverlayZone[], options: ZoneOverlayOptions = {}) {
    assertDistinctOrigins(zones);
    this.next = next;
    this.zones = zones;
    this.log = options.log;
  }

  /** The zone file authoritative for `name`, or null when DNS is. */
  zoneFor(rawName: string): OverlayZone | null {
    const name = normalizeName(rawName);
    let best: OverlayZone | null = null;
    for (const zone of this.zones) {
      if (!isAtOrBelow(name, zone.origin)) continue;
      if (best && best.origin.length >= zone.origin.length) continue;
      best = zone;
    }
    if (best && best.cuts.some((cut) => isAtOrBelow(name, cut))) return null;
    return best;
  }

  async query(rawName: string, type: RRType): Promise<DnsAnswer> {
    const name = normalizeName(rawName);
    if (validateQueryName(name) !== null || this.zoneFor(name) === null) return this.next.query(rawName, type);
    const result = await this.follow(name, name, type, [], new Set());
    this.log?.({
      name, type, outcome: result.outcome, rcode: result.rcode, error: result.error, count: result.records.length,
      ms: 0, server: result.server, cached: false,
    });
    return result;
  }

  async resolve(name: string, type: RRType): Promise<unknown> {
    return answerToNodeShape(await this.query(name, type));
  }

  /** Records at `name` (wildcard-synthesized when it does not exist), [] for an empty non-terminal, null when it does not exist. */
  private nodeRecords(zone: OverlayZone, name: string): ZoneRecord[] | null {
    const exact = zone.byName.get(name);
    if (exact) return exact;
    if (zone.existing.has(name)) return [];
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const encloser = labels.slice(i).join('.');
      if (!zone.existing.has(encloser)) continue;
      const wildcard = zone.byName.get(`*.${encloser}`);
      return wildcard ? wildcard.map((r) => ({ ...r, name })) : null;
    }
    return null;
  }

  private async follow(asked: string, name: string, type: RRType, cnames: string[], seen: Set<string>): Promise<DnsAnswer> {
    const zone = this.zoneFor(name)!;
    const node = this.nodeRecords(zone, name);
    if (node === null) return answer(asked, type, zone, { outcome: 'nxdomain', rcode: 'NXDOMAIN', error: 'ENOTFOUND', cnames });
    const matching = node.filter((r) => r.type === type);
    if (matching.length > 0) return answer(asked, type, zone, { records: matching as DnsRecord[], cnames });
    const alias = type === 'CNAME' ? undefined : node.find((r) => r.type === 'CNAME');
    if (!alias || alias.type !== 'CNAME') return answer(asked, type, zone, { outcome: 'nodata', error: 'ENODATA', cnames });
    seen.add(name);
    const chain = [...cnames, alias.target];
    if (seen.has(alias.target) || chain.length > MAX_CNAME_HOPS) {
      // A CNAME loop: resolvers give up with SERVFAIL.
      return answer(asked, type, zone, { outcome: 'error', rcode: 'SERVFAIL', error: 'ESERVFAIL', errorDetail: `CNAME loop in ${zone.file} at ${alias.target}`, cnames: chain });
    }
    if (this.zoneFor(alias.target) !== null) return this.follow(asked, alias.target, type, chain, seen);
    const rest = await this.next.query(alias.target, type);
    return {
      ...rest, name: asked, type, cnames: [...chain, ...rest.cnames], authenticated: false, source: 'zone-file',
      server: `zone file ${zone.file}, then ${rest.server ?? 'DNS'}`,
    };
  }
}

/**
 * A view of `resolver` that adds to `names` every name it answered from a zone file: one per
 * audit, so each report lists its own names although the run shares one resolver and cache.
 */
export function watchZoneAnswers(resolver: DnsResolver, names: Set<string>): DnsResolver {
  const query = async (name: string, type: RRType): Promise<DnsAnswer> => {
    const result = await resolver.query(name, type);
    if (result.source === 'zone-file') names.add(result.name);
    return result;
  };
  return { query, resolve: async (name, type) => answerToNodeShape(await query(name, type)) };
}
