// RFC 1035 section 5 master-file ("zone file") parser. Pure: it reads only the text it is
// given and never opens other files ($INCLUDE is rejected). Used by the fixture DNS server and
// by `--zone <file>`, so users can audit a zone (BIND, octoDNS or dnscontrol export) before
// publishing it.
//
// Output conventions every caller relies on:
// - Names are absolute, ASCII-lowercased (RFC 4343: DNS case-insensitivity is ASCII only),
//   without the trailing dot; the root is ''. A label octet that cannot be written plainly
//   ('.', '\', or anything outside 0x21-0x7E) is kept in RFC 1035 section 5.1 escaped form
//   (`\.`, `\\`, `\DDD`), so no name is ever silently altered.
// - TXT/SPF strings and the CAA value are decoded to octets (escapes applied), then to a JS
//   string as UTF-8; octet sequences that are not valid UTF-8 become U+FFFD.
import { isIPv4, isIPv6 } from 'node:net';
import type { CaaData, MxData, SoaData, SrvData, TlsaData } from '../net/dns/types.ts';

export type ZoneRecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'SPF' | 'CNAME' | 'PTR' | 'NS' | 'SOA' | 'TLSA' | 'CAA' | 'SRV';

export type ZoneRecord =
  | { name: string; ttl: number; type: 'A' | 'AAAA'; address: string }
  | { name: string; ttl: number; type: 'MX'; data: MxData }
  | { name: string; ttl: number; type: 'TXT' | 'SPF'; strings: string[] }
  | { name: string; ttl: number; type: 'CNAME' | 'PTR' | 'NS'; target: string }
  | { name: string; ttl: number; type: 'SOA'; data: SoaData }
  | { name: string; ttl: number; type: 'TLSA'; data: TlsaData }
  | { name: string; ttl: number; type: 'CAA'; data: CaaData }
  | { name: string; ttl: number; type: 'SRV'; data: SrvData };

/**
 * A `$WORD` directive this parser does not interpret (e.g. `$FIXTURE`, `$GENERATE`).
 * `name` is the word uppercased with its `$` (`'$FIXTURE'`); `args` are the following tokens
 * exactly as written, with surrounding quotes removed but escapes left untouched (so a name
 * argument can be handed to `absoluteName`); `line` is the 1-based line of the `$WORD`.
 */
export interface ZoneDirective { name: string; args: string[]; line: number }

/**
 * `origin` is the zone's starting origin: `options.origin` when given, else the first
 * `$ORIGIN` in the file, else null. Later `$ORIGIN` lines change how names resolve, not this.
 */
export interface ParsedZone { origin: string | null; records: ZoneRecord[]; directives: ZoneDirective[] }

export class ZoneFileError extends Error {
  readonly line: number;
  readonly fileName?: string;
  constructor(line: number, detail: string, fileName?: string) {
    super(`${fileName ?? 'zone'}:${line}: ${detail}`);
    this.name = 'ZoneFileError';
    this.line = line;
    this.fileName = fileName;
  }
}

export interface ParseZoneOptions {
  /** Initial origin (the zone name), as if the file began with `$ORIGIN`. A trailing dot is optional. */
  origin?: string;
  /** TTL for records without one, until a `$TTL` line. Default 3600. */
  defaultTtl?: number;
  /** Used in error messages; 'zone' when absent. */
  fileName?: string;
}

/** A problem found without knowing the line; parseZoneFile re-throws it as ZoneFileError. */
class ZoneSyntaxError extends Error {
  override name = 'ZoneSyntaxError';
}

type Label = Uint8Array; // decoded octets, ASCII-lowercased

// RFC 1035 section 2.3.4: labels of 63 octets or less; names of 255 octets or less on the wire,
// which is 253 octets in dotted form without the trailing dot.
const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 253;
// RFC 2181 section 8: a TTL is an unsigned value with the top bit clear.
const MAX_TTL = 2 ** 31 - 1;
// RFC 1035 section 3.3.13: the SOA serial and timers are unsigned 32-bit values.
const MAX_UINT32 = 2 ** 32 - 1;
const DEFAULT_TTL = 3600;

const SUPPORTED_TYPES: ReadonlySet<string> = new Set<ZoneRecordType>(
  ['A', 'AAAA', 'MX', 'TXT', 'SPF', 'CNAME', 'PTR', 'NS', 'SOA', 'TLSA', 'CAA', 'SRV'],
);
// RFC 1035 section 3.2.4 classes plus the RFC 3597 generic form; only IN is served.
const CLASS_PATTERN = /^(IN|CH|CS|HS|NONE|ANY|CLASS\d+)$/;

// ---------------------------------------------------------------------------------------------
// Escapes (RFC 1035 section 5.1): `\X` is X taken literally, `\DDD` is the octet DDD (decimal).

/** Index just past the escape starting at text[at] (a backslash); throws when it is malformed. */
function escapeEnd(text: string, at: number): number {
  const next = text[at + 1];
  if (next === undefined || next === '\n') throw new ZoneSyntaxError('backslash at end of line');
  if (next >= '0' && next <= '9') {
    const digits = text.slice(at + 1, at + 4);
    if (!/^\d{3}$/.test(digits)) throw new ZoneSyntaxError(`invalid escape '\\${digits}': \\DDD needs exactly three decimal digits`);
    if (Number(digits) > 255) throw new ZoneSyntaxError(`invalid escape '\\${digits}': octet value over 255`);
    return at + 4;
  }
  const code = text.codePointAt(at + 1) ?? 0;
  return at + 1 + (code > 0xffff ? 2 : 1);
}

/** Decodes escapes to octets; unescaped characters contribute their UTF-8 octets. */
function decodeOctets(raw: string): Uint8Array {
  const out: number[] = [];
  let plainStart = 0;
  const flushPlain = (end: number): void => {
    if (end > plainStart) for (const b of Buffer.from(raw.slice(plainStart, end), 'utf8')) out.push(b);
  };
  let i = 0;
  while (i < raw.length) {
    if (raw[i] !== '\\') { i++; continue; }
    flushPlain(i);
    const end = escapeEnd(raw, i);
    const body = raw.slice(i + 1, end);
    if (/^\d{3}$/.test(body)) out.push(Number(body));
    else for (const b of Buffer.from(body, 'utf8')) out.push(b);
    i = end;
    plainStart = end;
  }
  flushPlain(raw.length);
  return Uint8Array.from(out);
}

function decodeText(raw: string): string {
  return Buffer.from(decodeOctets(raw)).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Names (RFC 1035 section 5.1: `@` is the origin, names without a trailing dot are relative).

function splitLabels(raw: string): { labels: string[]; absolute: boolean } {
  if (raw === '') throw new ZoneSyntaxError('empty name');
  if (raw === '.') return { labels: [], absolute: true };
  const labels: string[] = [];
  let current = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === '\\') {
      const end = escapeEnd(raw, i);
      current += raw.slice(i, end);
      i = end;
      continue;
    }
    if (c === '.') {
      if (current === '') throw new ZoneSyntaxError(`empty label in name '${raw}'`);
      labels.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
    i++;
  }
  if (current === '') return { labels, absolute: true }; // ended with an unescaped dot
  labels.push(current);
  return { labels, absolute: false };
}

function decodeLabel(raw: string): Label {
  const octets = decodeOctets(raw);
  if (octets.length > MAX_LABEL_OCTETS) {
    throw new ZoneSyntaxError(`label '${raw}' is ${octets.length} octets, over the ${MAX_LABEL_OCTETS}-octet limit (RFC 1035 section 2.3.4)`);
  }
  for (let i = 0; i < octets.length; i++) if (octets[i] >= 0x41 && octets[i] <= 0x5a) octets[i] += 0x20;
  return octets;
}

function resolveName(raw: string, origin: Label[] | null): Label[] {
  let labels: Label[];
  if (raw === '@') {
    if (origin === null) throw new ZoneSyntaxError("'@' used but no origin is known (add $ORIGIN or pass an origin)");
    labels = origin;
  } else {
    const split = splitLabels(raw);
    const own = split.labels.map(decodeLabel);
    if (split.absolute) labels = own;
    else if (origin === null) throw new ZoneSyntaxError(`relative name '${raw}' but no origin is known (add $ORIGIN or end the name with '.')`);
    else labels = [...own, ...origin];
  }
  const octets = labels.reduce((sum, l) => sum + l.length, 0) + Math.max(labels.length - 1, 0);
  if (octets > MAX_NAME_OCTETS) {
    throw new ZoneSyntaxError(`name '${raw}' is ${octets} octets long once absolute, over the ${MAX_NAME_OCTETS}-octet limit (RFC 1035 section 2.3.4)`);
  }
  return labels;
}

function formatLabel(label: Label): string {
  let out = '';
  for (const b of label) {
    if (b === 0x2e) out += '\\.';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x21 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return out;
}

function formatName(labels: Label[]): string {
  return labels.map(formatLabel).join('.');
}

/** Parses an origin given in output form (or with a trailing dot); always absolute. */
function parseOrigin(origin: string): Label[] {
  if (origin === '' || origin === '.') return [];
  return splitLabels(origin).labels.map(decodeLabel);
}

/**
 * Resolves a name as written in a zone file (escapes allowed, `@` for the origin) against
 * `origin` (a name in this module's output form; null when unknown) and returns it absolute,
 * lowercase and without the trailing dot. Throws an Error explaining why when the name is
 * malformed, too long, or relative with no origin.
 */
export function absoluteName(name: string, origin: string | null): string {
  return formatName(resolveName(name, origin === null ? null : parseOrigin(origin)));
}

// ---------------------------------------------------------------------------------------------
// Numbers and TTLs.

const TTL_UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** Seconds, or BIND's unit form (`1h`, `2d`, `1w30m`; units w d h m s, any case). */
function parseTtl(raw: string, max: number, what: string): number {
  let seconds: number;
  if (/^\d+$/.test(raw)) seconds = Number(raw);
  else if (/^(\d+[wdhms])+$/i.test(raw)) {
    seconds = 0;
    for (const [, count, unit] of raw.matchAll(/(\d+)([wdhms])/gi)) seconds += Number(count) * TTL_UNITS[unit.toLowerCase()];
  } else {
    throw new ZoneSyntaxError(`invalid ${what} '${raw}' (expected seconds or units like 1h30m)`);
  }
  if (seconds > max) throw new ZoneSyntaxError(`${what} '${raw}' is ${seconds} seconds, over the maximum ${max}`);
  return seconds;
}

function parseNumber(raw: string, max: number, what: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > max) throw new ZoneSyntaxError(`${what} '${raw}' is not a number in 0-${max}`);
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------
// IPv6 presentation (RFC 5952).

function canonicalIPv6(address: string): string {
  const groupsOf = (part: string): number[] => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a, b, c, d] = piece.split('.').map(Number);
        groups.push((a << 8) | b, (c << 8) | d);
      } else {
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const lower = address.toLowerCase();
  const gap = lower.indexOf('::');
  let groups: number[];
  if (gap < 0) groups = groupsOf(lower);
  else {
    const left = groupsOf(lower.slice(0, gap));
    const right = groupsOf(lower.slice(gap + 2));
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad (as inet_ntop prints them).
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
  }
  // RFC 5952 section 4.2: '::' replaces the longest run of two or more zero groups, the first on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer: splits the text into entries (one record or directive each), honouring comments,
// quotes and parentheses (RFC 1035 section 5.1).

interface Token { raw: string; quoted: boolean; line: number }
interface Entry { line: number; blankOwner: boolean; tokens: Token[] }

function isDelimiter(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '(' || c === ')';
}

function tokenize(text: string, fail: (line: number, detail: string) => never): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let depth = 0;
  let openedAt = 0;
  const startsBlank = (i: number): boolean => text[i] === ' ' || text[i] === '\t';
  let entry: Entry = { line, blankOwner: startsBlank(0), tokens: [] };
  const skipEscape = (at: number): number => {
    try {
      return escapeEnd(text, at);
    } catch (error) {
      if (error instanceof ZoneSyntaxError) fail(line, error.message);
      throw error;
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      // A newline inside parentheses continues the entry; otherwise it ends it.
      if (depth === 0) {
        if (entry.tokens.length > 0) entries.push(entry);
        entry = { line, blankOwner: startsBlank(i), tokens: [] };
      }
      continue;
    }
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) openedAt = line;
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) fail(line, "')' without a matching '('");
      depth--;
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length || text[j] === '\n') fail(line, 'unterminated quoted string');
        if (text[j] === '"') break;
        j = text[j] === '\\' ? skipEscape(j) : j + 1;
      }
      entry.tokens.push({ raw: text.slice(i + 1, j), quoted: true, line });
      i = j + 1;
      if (i < text.length && !isDelimiter(text[i])) fail(line, `unexpected '${text[i]}' right after a quoted string`);
      continue;
    }
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '\\') { j = skipEscape(j); continue; }
      if (isDelimiter(d)) break;
      if (d === '"') fail(line, `unexpected quote inside '${text.slice(i, j)}"' (quote the whole field or escape it as \\")`);
      j++;
    }
    entry.tokens.push({ raw: text.slice(i, j), quoted: false, line });
    i = j;
  }
  if (depth > 0) fail(openedAt, "'(' is never closed");
  if (entry.tokens.length > 0) entries.push(entry);
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Parser.

/**
 * Parses RFC 1035 master-file text. Throws ZoneFileError (message "<file>:<line>: ...") on the
 * first problem; throws RangeError for invalid options.
 */
export function parseZoneFile(text: string, options: ParseZoneOptions = {}): ParsedZone {
  const fileName = options.fileName;
  const fail = (line: number, detail: string): never => {
    throw new ZoneFileError(line, detail, fileName);
  };
  const at = <T>(line: number, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof ZoneSyntaxError) fail(line, error.message);
      throw error;
    }
  };

  let origin: Label[] | null = null;
  if (options.origin !== undefined) {
    try {
      origin = parseOrigin(options.origin);
    } catch (error) {
      throw new RangeError(`invalid origin '${options.origin}': ${(error as Error).message}`);
    }
  }
  let zoneOrigin = origin;
  // RFC 2308 section 4: $TTL sets the TTL of following records that do not give one.
  let defaultTtl = options.defaultTtl ?? DEFAULT_TTL;
  if (!Number.isInteger(defaultTtl) || defaultTtl < 0 || defaultTtl > MAX_TTL) {
    throw new RangeError(`invalid defaultTtl ${options.defaultTtl}: expected an integer in 0-${MAX_TTL}`);
  }
  let previousOwner: Label[] | null = null;
  const records: ZoneRecord[] = [];
  const directives: ZoneDirective[] = [];

  // Strip a byte-order mark and accept CRLF (and lone CR) line endings.
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

  for (const entry of tokenize(normalized, fail)) {
    const tokens = entry.tokens;
    const first = tokens[0];
    const unquoted = (token: Token, what: string): string => {
      if (token.quoted) fail(token.line, `${what} must not be a quoted string ("${token.raw}")`);
      return token.raw;
    };

    // Directives start in column 1 (RFC 1035 section 5.1).
    if (!entry.blankOwner && !first.quoted && first.raw.startsWith('$')) {
      const word = first.raw.toUpperCase();
      const args = tokens.slice(1);
      if (!/^\$[A-Z][A-Z0-9_-]*$/.test(word)) fail(entry.line, `malformed directive '${first.raw}'`);
      if (word === '$INCLUDE') fail(entry.line, '$INCLUDE is not supported: a zone file is parsed on its own and never reads other files');
      if (word === '$ORIGIN') {
        if (args.length !== 1) fail(entry.line, `$ORIGIN needs exactly one name, found ${args.length} fields`);
        // A relative $ORIGIN is taken relative to the current origin, as BIND does.
        const next = at(args[0].line, () => resolveName(unquoted(args[0], '$ORIGIN'), origin));
        origin = next;
        if (zoneOrigin === null) zoneOrigin = next;
      } else if (word === '$TTL') {
        if (args.length !== 1) fail(entry.line, `$TTL needs exactly one TTL, found ${args.length} fields`);
        defaultTtl = at(args[0].line, () => parseTtl(unquoted(args[0], '$TTL'), MAX_TTL, '$TTL'));
      } else {
        directives.push({ name: word, args: args.map((a) => a.raw), line: entry.line });
      }
      continue;
    }

    // RFC 1035 section 5.1: a blank owner field means the previous owner.
    let index = 0;
    let owner: Label[];
    if (entry.blankOwner) {
      if (previousOwner === null) fail(entry.line, 'line starts with whitespace (repeat the previous owner) but no record came before');
      owner = previousOwner as Label[];
    } else {
      const ownerToken = first;
      owner = at(ownerToken.line, () => resolveName(unquoted(ownerToken, 'owner name'), origin));
      previousOwner = owner;
      index = 1;
    }

    // [ttl] [class] or [class] [ttl], then the type.
    let ttl: number | null = null;
    let classSeen = false;
    let typeToken: Token | null = null;
    while (index < tokens.length) {
      const token = tokens[index++];
      const raw = unquoted(token, 'TTL, class or record type');
      if (/^\d/.test(raw)) {
        if (ttl !== null) fail(token.line, `TTL given twice ('${raw}')`);
        ttl = at(token.line, () => parseTtl(raw, MAX_TTL, 'TTL'));
        continue;
      }
      const upper = raw.toUpperCase();
      if (CLASS_PATTERN.test(upper)) {
        if (upper !== 'IN') fail(token.line, `class ${upper} is not supported (only IN)`);
        if (classSeen) fail(token.line, 'class given twice');
        classSeen = true;
        continue;
      }
      typeToken = token;
      break;
    }
    if (typeToken === null) fail(entry.line, 'missing record type');
    const typeLine = (typeToken as Token).line;
    const typeWord = (typeToken as Token).raw.toUpperCase();
    if (!SUPPORTED_TYPES.has(typeWord)) {
      fail(typeLine, `unsupported record type ${typeWord} (supported: ${[...SUPPORTED_TYPES].join(', ')})`);
    }
    const type = typeWord as ZoneRecordType;
    const rdata = tokens.slice(index);
    const name = formatName(owner);
    const recordTtl = ttl ?? defaultTtl;

    const expectFields = (count: number, usage: string): void => {
      if (rdata.length !== count) {
        fail(rdata[count]?.line ?? entry.line, `${type} needs ${count} rdata field${count === 1 ? '' : 's'} (${usage}), found ${rdata.length}`);
      }
    };
    const numberField = (token: Token, max: number, what: string): number =>
      at(token.line, () => parseNumber(unquoted(token, `${type} ${what}`), max, `${type} ${what}`));
    const nameField = (token: Token, what: string): string =>
      at(token.line, () => formatName(resolveName(unquoted(token, `${type} ${what}`), origin)));

    switch (type) {
      case 'A': {
        expectFields(1, 'address');
        const address = unquoted(rdata[0], 'A address');
        if (!isIPv4(address)) fail(rdata[0].line, `A address '${address}' is not a valid IPv4 address`);
        records.push({ name, ttl: recordTtl, type: 'A', address });
        break;
      }
      case 'AAAA': {
        expectFields(1, 'address');
        const address = unquoted(rdata[0], 'AAAA address');
        // A zone index (fe80::1%eth0) is host-local and cannot be stored in DNS.
        if (address.includes('%') || !isIPv6(address)) fail(rdata[0].line, `AAAA address '${address}' is not a valid IPv6 address`);
        records.push({ name, ttl: recordTtl, type: 'AAAA', address: canonicalIPv6(address) });
        break;
      }
      case 'MX': {
        // RFC 1035 section 3.3.9; RFC 7505: exchange '.' (here '') is a null MX.
        expectFields(2, 'priority exchange');
        const priority = numberField(rdata[0], 0xffff, 'priority');
        records.push({ name, ttl: recordTtl, type: 'MX', data: { priority, exchange: nameField(rdata[1], 'exchange') } });
        break;
      }
      case 'TXT':
      case 'SPF': {
        // RFC 1035 section 3.3.14: one or more character-strings, each token one string. Strings
        // over 255 octets are kept whole; splitting them is the wire encoder's job.
        if (rdata.length === 0) fail(typeLine, `${type} needs at least one character-string`);
        records.push({ name, ttl: recordTtl, type, strings: rdata.map((t) => decodeText(t.raw)) });
        break;
      }
      case 'CNAME':
      case 'PTR':
      case 'NS': {
        expectFields(1, 'target name');
        records.push({ name, ttl: recordTtl, type, target: nameField(rdata[0], 'target') });
        break;
      }
      case 'SOA': {
        // RFC 1035 section 3.3.13; the timers accept TTL units as BIND does.
        expectFields(7, 'mname rname serial refresh retry expire minimum');
        const timer = (token: Token, what: string): number =>
          at(token.line, () => parseTtl(unquoted(token, `SOA ${what}`), MAX_UINT32, `SOA ${what}`));
        records.push({
          name, ttl: recordTtl, type: 'SOA',
          data: {
            mname: nameField(rdata[0], 'mname'),
            rname: nameField(rdata[1], 'rname'),
            serial: numberField(rdata[2], MAX_UINT32, 'serial'),
            refresh: timer(rdata[3], 'refresh'),
            retry: timer(rdata[4], 'retry'),
            expire: timer(rdata[5], 'expire'),
            minimum: timer(rdata[6], 'minimum'),
          },
        });
        break;
      }
      case 'TLSA': {
        // RFC 6698 section 2.2: the association data is hex and may contain whitespace.
        if (rdata.length < 4) fail(entry.line, `TLSA needs usage selector matching-type and hex data, found ${rdata.length} fields`);
        const usage = numberField(rdata[0], 255, 'usage');
        const selector = numberField(rdata[1], 255, 'selector');
        const matchingType = numberField(rdata[2], 255, 'matching type');
        const data = rdata.slice(3).map((t) => unquoted(t, 'TLSA data')).join('');
        if (!/^[0-9a-fA-F]+$/.test(data)) fail(rdata[3].line, 'TLSA data is not hexadecimal');
        if (data.length % 2 !== 0) fail(rdata[3].line, `TLSA data has an odd number of hex digits (${data.length})`);
        records.push({ name, ttl: recordTtl, type: 'TLSA', data: { usage, selector, matchingType, data: data.toLowerCase() } });
        break;
      }
      case 'CAA': {
        // RFC 8659 section 4.1.1: flags, tag of 1-15 ASCII letters/digits, value.
        expectFields(3, 'flags tag value');
        const flags = numberField(rdata[0], 255, 'flags');
        const tag = unquoted(rdata[1], 'CAA tag');
        if (!/^[A-Za-z0-9]{1,15}$/.test(tag)) fail(rdata[1].line, `CAA tag '${tag}' must be 1-15 ASCII letters or digits`);
        records.push({ name, ttl: recordTtl, type: 'CAA', data: { flags, tag, value: decodeText(rdata[2].raw) } });
        break;
      }
      case 'SRV': {
        // RFC 2782: priority weight port target; target '.' (here '') means "no service".
        expectFields(4, 'priority weight port target');
        records.push({
          name, ttl: recordTtl, type: 'SRV',
          data: {
            priority: numberField(rdata[0], 0xffff, 'priority'),
            weight: numberField(rdata[1], 0xffff, 'weight'),
            port: numberField(rdata[2], 0xffff, 'port'),
            target: nameField(rdata[3], 'target'),
          },
        });
        break;
      }
    }
  }

  return { origin: zoneOrigin === null ? null : formatName(zoneOrigin), records, directives };
}
