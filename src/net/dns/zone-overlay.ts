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
// - A record written twice is one record (RFC 2181 section 5; ZoneOwners.add).
// Answers from a file carry `source: 'zone-file'`; collectors copy that into LookupFacts.
import { readFileSync } from 'node:fs';
import { parseZoneFile, ZoneFileError, type ZoneRecord } from '../../parse/zone-file.ts';
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
  byName: ZoneOwners;
  /** names that exist without records of their own: the origin and the empty non-terminals between an owner and it (RFC 8020); owners are the keys of byName */
  existing: Set<string>;
  /** delegation points: NS owners other than the origin */
  cuts: string[];
  /** owners outside the origin, ignored */
  ignoredOwners: string[];
}

const isAtOrBelow = (name: string, ancestor: string): boolean =>
  ancestor === '' || name === ancestor || name.endsWith(`.${ancestor}`);

/**
 * The records of a zone by owner name, each owner's records kept as one compact JSON string
 * and decoded when asked for. A parsed record is an object of some 200-300 bytes (plus its
 * strings); the same record as JSON text is a few dozen bytes, and an audit asks about a
 * handful of a zone's names, so a zone of a million records costs a fraction of the memory.
 */
export class ZoneOwners {
  private readonly owners = new Map<string, string>();

  get size(): number { return this.owners.size; }
  has(name: string): boolean { return this.owners.has(name); }
  keys(): IterableIterator<string> { return this.owners.keys(); }
  delete(name: string): boolean { return this.owners.delete(name); }

  /** The owner's records, decoded (a fresh array: callers may keep or change it). */
  get(name: string): ZoneRecord[] | undefined {
    const text = this.owners.get(name);
    if (text === undefined) return undefined;
    return (JSON.parse(text) as Array<Omit<ZoneRecord, 'name'>>).map((r) => ({ name, ...r }) as ZoneRecord);
  }

  /**
   * Adds records of one owner (after those it has). A record written twice is one record:
   * RFC 2181 section 5 says an RRset never holds two RRs with the same owner, class, type and
   * data, and servers suppress such duplicates; the first copy (and its TTL) is kept.
   */
  add(name: string, records: readonly ZoneRecord[]): void {
    const existing = this.owners.get(name);
    const kept = existing === undefined ? [] : JSON.parse(existing) as Array<Record<string, unknown>>;
    const seen = new Set(kept.map(recordIdentity));
    for (const { name: _owner, ...rest } of records) {
      const identity = recordIdentity(rest);
      if (seen.has(identity)) continue;
      seen.add(identity);
      kept.push(rest);
    }
    this.owners.set(name, JSON.stringify(kept));
  }
}

/** JSON with object keys sorted, so equal data gives equal text whatever order it was built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Type and data of one owner's record (RFC 2181 section 5: what makes two RRs the same); not the TTL. */
function recordIdentity(record: Record<string, unknown>): string {
  const { ttl: _ttl, ...identity } = record;
  return canonical(identity);
}

/** Text of a zone file cut into pieces of about this many characters, parsed one at a time. */
const PIECE_CHARS = 1 << 20;

interface ZonePiece {
  text: string;
  /** 1-based line of the file where the piece starts */
  firstLine: number;
  /** the $ORIGIN lines before the piece, in order, and the last $TTL line: the parser state it starts in */
  context: string[];
}

/**
 * Cuts zone-file text into pieces the parser can read one at a time, so that parsing a large
 * zone never holds the tokens of the whole file (the parser keeps every entry of its input
 * until it is done). A cut is made only where the parser's state is plain: at the start of a
 * line, outside parentheses (RFC 1035 section 5.1 continuations), and before a line that
 * names its owner (a line starting with a blank reuses the previous owner). What state does
 * cross a cut, $ORIGIN and $TTL, is replayed at the head of the next piece.
 */
function* zonePieces(text: string): Generator<ZonePiece> {
  const origins: string[] = [];
  let ttl: string | null = null;
  let start = 0;
  let firstLine = 1;
  let line = 1;
  let depth = 0;
  let context: string[] = [];
  let i = 0;
  const lineStart = (at: number) => {
    if (text[at] !== '$') return;
    const word = /^\$([A-Za-z]+)/.exec(text.slice(at, at + 8))?.[1]?.toUpperCase();
    if (word !== 'ORIGIN' && word !== 'TTL') return;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const directive = text.slice(at, end);
    if (directive.includes('(')) return; // a directive split over lines: too odd to replay; no cut is needed for it
    if (word === 'ORIGIN') origins.push(directive); else ttl = directive;
  };
  lineStart(0);
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      if (depth !== 0) continue;
      if (i - start >= PIECE_CHARS && i < text.length && text[i] !== ' ' && text[i] !== '\t') {
        yield { text: text.slice(start, i), firstLine, context };
        start = i;
        firstLine = line;
        context = [...origins, ...(ttl === null ? [] : [ttl])];
      }
      lineStart(i);
      continue;
    }
    if (c === '\\') { i += 2; continue; }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      if (text[i] === '"') i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    i++;
  }
  if (start < text.length || start === 0) yield { text: text.slice(start), firstLine, context };
}

/** A parser error in a piece, with the line number it has in the whole file. */
function inFileLines(error: unknown, piece: ZonePiece, file: string): unknown {
  if (!(error instanceof ZoneFileError) || piece.firstLine === 1) return error;
  const prefix = `${error.fileName ?? 'zone'}:${error.line}: `;
  const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return new ZoneFileError(error.line - piece.context.length + piece.firstLine - 1, detail, file);
}

/**
 * Builds an OverlayZone from zone-file text. `origin` overrides the file's own; without it the
 * first $ORIGIN, else the single SOA owner, is used. Throws ZoneOverlayError (or the parser's
 * ZoneFileError, which names the file and line) when the text or the origin is unusable.
 * Memory: the text is parsed piece by piece (zonePieces), each owner's records are kept as
 * compact text (ZoneOwners), and only names without records (the origin, empty non-terminals)
 * are kept beside them, so a zone costs a small multiple of its file size.
 */
export function zoneFromText(text: string, file: string, origin?: string): OverlayZone {
  let fileOrigin: string | null = null;
  let directive: { name: string; line: number } | null = null;
  const soaOwners = new Set<string>();
  const nsOwners = new Set<string>();
  const all = new ZoneOwners();
  for (const piece of zonePieces(text)) {
    let parsed: ReturnType<typeof parseZoneFile>;
    try {
      const head = piece.context.length > 0 ? `${piece.context.join('\n')}\n` : '';
      parsed = parseZoneFile(head + piece.text, { fileName: file, ...(origin ? { origin } : {}) });
    } catch (error) {
      throw inFileLines(error, piece, file);
    }
    fileOrigin ??= parsed.origin;
    if (!directive && parsed.directives.length > 0) {
      const d = parsed.directives[0]!;
      directive = { name: d.name, line: d.line - piece.context.length + piece.firstLine - 1 };
    }
    // the piece's records by owner, in file order, then into the compact store
    const owners = new Map<string, ZoneRecord[]>();
    for (const record of parsed.records) {
      const list = owners.get(record.name);
      if (list) list.push(record); else owners.set(record.name, [record]);
      if (record.type === 'SOA') soaOwners.add(record.name);
      else if (record.type === 'NS') nsOwners.add(record.name);
    }
    for (const [name, records] of owners) all.add(name, records);
  }
  let zoneOrigin = origin ? normalizeName(origin) : fileOrigin;
  if (zoneOrigin === null) {
    if (soaOwners.size !== 1) {
      throw new ZoneOverlayError(`${file}: cannot tell the zone's origin (no $ORIGIN and ${soaOwners.size === 0 ? 'no' : 'several'} SOA records); write it as --zone <origin>=${file}`);
    }
    zoneOrigin = [...soaOwners][0]!;
  }
  if (directive) throw new ZoneOverlayError(`${file}:${directive.line}: directive ${directive.name} is not supported in a --zone file`);
  const ignoredOwners: string[] = [];
  const cuts: string[] = [];
  for (const name of [...all.keys()]) {
    if (!isAtOrBelow(name, zoneOrigin)) {
      ignoredOwners.push(name);
      all.delete(name);
    } else if (name !== zoneOrigin && nsOwners.has(name)) {
      cuts.push(name);
    }
  }
  ignoredOwners.sort();
  // Data at or below a cut belongs to the child zone (glue included): DNS answers for it.
  const cutSet = new Set(cuts);
  const existing = new Set<string>([zoneOrigin]);
  if (cutSet.size > 0) {
    for (const name of [...all.keys()]) if (ancestors(name, zoneOrigin).some((a) => cutSet.has(a))) all.delete(name);
  }
  for (const name of all.keys()) {
    for (const ancestor of ancestors(name, zoneOrigin)) if (ancestor !== name && !all.has(ancestor)) existing.add(ancestor);
  }
  return { file, origin: zoneOrigin, byName: all, existing, cuts, ignoredOwners };
}

/** `name` and each name above it, up to and including `origin`. */
function ancestors(name: string, origin: string): string[] {
  const out = [name];
  let at = name;
  while (at !== origin) {
    const dot = at.indexOf('.');
    if (dot < 0) { if (origin === '') out.push(''); break; }
    at = at.slice(dot + 1);
    out.push(at);
  }
  return out;
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
      if (!zone.existing.has(encloser) && !zone.byName.has(encloser)) continue;
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
