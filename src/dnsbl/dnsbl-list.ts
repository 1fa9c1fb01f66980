// The curated DNS blocklist data (data/dnsbl.json): its types, the validator that guards it, the
// `--dnsbl zone[:ip|domain]` option, the query-name helpers, and the one function that turns a
// list's A-record answer into a verdict.
//
// The point of keeping each list's codes as data is that answers are NOT all listings. Spamhaus
// answers a query it refuses with 127.255.255.252/.254/.255 (mistyped zone, public resolver,
// excessive volume) and URIBL with 127.0.0.1; a resolver that rewrites NXDOMAIN answers with an
// address of its own; a code a list never documented. Each of these is reported for what it is,
// never as "listed".
import { readFileSync } from 'node:fs';
import net from 'node:net';

export type DnsblKind = 'ip' | 'domain';

/**
 * How a domain list is queried. 'organizational-domain': the list holds registrable domains
 * only (URIBL strips host parts, SURBL asks for the registrar-level domain), so the checker
 * must reduce a host name first. 'domain': the zone is wildcarded and any host name may be
 * asked as it is (Spamhaus DBL, Abusix dblack).
 */
export type DnsblQueryForm = 'domain' | 'organizational-domain';

/** Fields whose value the list's own documentation (as found) did not confirm. */
export type DnsblUnconfirmedField =
  | 'codes' | 'errorCodes' | 'bitmask' | 'ipv6' | 'testListed' | 'testNotListed'
  | 'queryForm' | 'refusesPublicResolvers' | 'info' | 'removal';

export interface DnsblList {
  /** The DNS zone queried, lowercase, no trailing dot. For requiresKey lists, the part after `<key>.`. */
  zone: string;
  name: string;
  kind: DnsblKind;
  /** The zone accepts reversed-nibble IPv6 queries (RFC 5782 §2.4). */
  ipv6: boolean;
  /** Listing answer -> meaning. */
  codes: Record<string, string>;
  /** Bit value of the answer's last octet -> sublist meaning, for lists that OR several sublists into one answer. */
  bitmask?: Record<string, string>;
  /** The list documents that any 127.0.0.0/8 answer (other than its error codes) means "listed". */
  anyCodeIsListing: boolean;
  /** Answers that report a refused or malformed query. Never a listing. */
  errorCodes: Record<string, string>;
  /** A test point the list documents as always listed (IPv4 text for ip lists, a domain for domain lists). */
  testListed: string;
  /** A test point the list documents as never listed. */
  testNotListed: string;
  /** 1..10: how much a listing on this list hurts deliverability. */
  weight: number;
  /** https page describing the list. Always present in curated data; absent for a user's --dnsbl zone. */
  info?: string;
  /** https page for lookup/delisting. Always present in curated data; absent for a user's --dnsbl zone. */
  removal?: string;
  /** Domain lists only. */
  queryForm?: DnsblQueryForm;
  /** The list documents that it refuses (or answers with an error code) queries arriving via public/open resolvers. */
  refusesPublicResolvers: boolean;
  /** The zone is only reachable as `<key>.<zone>` with a subscriber key; not queried by default. */
  requiresKey?: boolean;
  /** The list has shut down; kept so old configurations are recognised, never queried by default. */
  deprecated?: boolean;
  unconfirmed?: DnsblUnconfirmedField[];
  /** Usage policy, sources, and anything the data could not confirm. */
  notes: string;
}

export type DnsblVerdict = 'listed' | 'refused' | 'not-listed' | 'invalid';

export interface DnsblInterpretation {
  verdict: DnsblVerdict;
  /** Meanings of the answers that decided the verdict (listing reasons, or refusal reasons). */
  meanings: string[];
  /** The answer addresses that decided the verdict. */
  codes: string[];
  detail?: string;
}

export interface DnsblIssue { path: string; message: string }

/** A structural problem in blocklist data; `issues` holds every problem found, each with its path. */
export class DnsblDataError extends Error {
  readonly issues: DnsblIssue[];
  constructor(issues: DnsblIssue[]) {
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    super(issues.length === 1 ? `invalid DNSBL data: ${lines[0]}` : `invalid DNSBL data (${issues.length} problems):\n  ${lines.join('\n  ')}`);
    this.name = 'DnsblDataError';
    this.issues = issues;
  }
}

/**
 * Spamhaus reserves 127.255.255.0/24 for answers about the query itself ("should NOT be
 * interpreted as any sort of reputation", Spamhaus news 2019-09-30). A zone the user names
 * without curated data gets these three as refusal codes, so a generic check never reports a
 * refusal as a listing either.
 */
export const GENERIC_ERROR_CODES: Readonly<Record<string, string>> = Object.freeze({
  '127.255.255.252': 'query refused: typing error in the DNSBL zone name (Spamhaus convention)',
  '127.255.255.254': 'query refused: sent via a public/open resolver (Spamhaus convention)',
  '127.255.255.255': 'query refused: excessive number of queries (Spamhaus convention)',
});

const DATA_URL = new URL('../../data/dnsbl.json', import.meta.url);

/** Every list in the shipped data file, validated (including deprecated and key-only lists). */
export function loadShippedBlocklists(): DnsblList[] {
  let text: string;
  try {
    text = readFileSync(DATA_URL, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the DNSBL data file ${DATA_URL.pathname}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`the DNSBL data file ${DATA_URL.pathname} is not valid JSON: ${(err as Error).message}`);
  }
  return validateBlocklists(data);
}

/** Whether a list is queried when the user names none: not shut down, and reachable without a subscriber key. */
export function isDefaultEnabled(list: DnsblList): boolean {
  return list.deprecated !== true && list.requiresKey !== true;
}

/**
 * The lists queried by default: the shipped data minus deprecated lists and lists that need a
 * subscriber key. The data path is resolved from this module, so it is the same from src/dnsbl/
 * (run directly) and dist/dnsbl/ (compiled): both sit two levels below the package root.
 */
export function loadDefaultBlocklists(): DnsblList[] {
  return loadShippedBlocklists().filter(isDefaultEnabled);
}

// ---------------------------------------------------------------------------------------------
// Validation

const LIST_KEYS = new Set([
  'zone', 'name', 'kind', 'ipv6', 'codes', 'bitmask', 'anyCodeIsListing', 'errorCodes', 'testListed',
  'testNotListed', 'weight', 'info', 'removal', 'queryForm', 'refusesPublicResolvers', 'requiresKey',
  'deprecated', 'unconfirmed', 'notes',
]);
const UNCONFIRMABLE = new Set<string>([
  'codes', 'errorCodes', 'bitmask', 'ipv6', 'testListed', 'testNotListed', 'queryForm',
  'refusesPublicResolvers', 'info', 'removal',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strict dotted-quad: four decimal octets 0..255 without leading zeros. */
export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets;
}

function isLoopbackCode(text: string): boolean {
  const o = parseIpv4(text);
  return o !== null && o[0] === 127;
}

/**
 * A DNS zone as written in the data or on the command line: at least two labels, each 1-63
 * letters/digits/hyphens not starting or ending with a hyphen (RFC 1035 §2.3.1 preferred
 * syntax, relaxed by RFC 1123 §2.1 to allow a leading digit), 253 characters at most.
 */
export function isValidZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 253 || zone !== zone.toLowerCase()) return false;
  const labels = zone.split('.');
  if (labels.length < 2) return false;
  return labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

/** A domain test point: host-name labels, where underscores are allowed (SEM documents `_DNSBL_.test`). */
function isValidTestDomain(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l));
}

function isHttpsUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const BIT_VALUES = new Set(['1', '2', '4', '8', '16', '32', '64', '128']);

/**
 * Checks blocklist data (the shape of data/dnsbl.json) and returns its lists. Throws a
 * DnsblDataError naming the path of every structural problem: zone syntax, kind, codes that
 * are not 127.0.0.0/8 addresses, error codes that are also listing codes, missing test
 * points, weights outside 1..10, non-https URLs, unknown fields.
 */
export function validateBlocklists(data: unknown): DnsblList[] {
  const issues: DnsblIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  if (!isRecord(data)) throw new DnsblDataError([{ path: '$', message: 'expected an object { "version": 1, "lists": [...] }' }]);
  if (data.version !== 1) add('version', `expected 1, found ${JSON.stringify(data.version)}`);
  for (const key of Object.keys(data)) if (key !== 'version' && key !== 'lists') add(key, 'unknown top-level field');
  if (!Array.isArray(data.lists)) {
    add('lists', 'expected an array of lists');
    throw new DnsblDataError(issues);
  }
  if (data.lists.length === 0) add('lists', 'is empty');

  const seenZones = new Map<string, number>();
  data.lists.forEach((entry: unknown, index: number) => {
    const at = `lists[${index}]`;
    if (!isRecord(entry)) {
      add(at, 'expected an object');
      return;
    }
    validateList(entry, at, add);
    if (typeof entry.zone === 'string') {
      const first = seenZones.get(entry.zone);
      if (first !== undefined) add(`${at}.zone`, `"${entry.zone}" already defined at lists[${first}]`);
      else seenZones.set(entry.zone, index);
    }
  });

  if (issues.length > 0) throw new DnsblDataError(issues);
  return (data.lists as Record<string, unknown>[]).map(toList);
}

function validateCodeTable(
  table: unknown, path: string, add: (p: string, m: string) => void, required: boolean,
): Record<string, string> | null {
  if (table === undefined && !required) return null;
  if (!isRecord(table)) {
    add(path, 'expected an object mapping 127.x.x.x answers to their meaning');
    return null;
  }
  for (const [code, meaning] of Object.entries(table)) {
    const p = `${path}["${code}"]`;
    if (!isLoopbackCode(code)) add(p, 'is not an IPv4 address in 127.0.0.0/8 (write each code out in full, no ranges)');
    if (typeof meaning !== 'string' || meaning.trim() === '') add(p, 'meaning must be a non-empty string');
  }
  return table as Record<string, string>;
}

function validateList(e: Record<string, unknown>, at: string, add: (p: string, m: string) => void): void {
  for (const key of Object.keys(e)) if (!LIST_KEYS.has(key)) add(`${at}.${key}`, 'unknown field');

  if (typeof e.zone !== 'string') add(`${at}.zone`, 'expected a string');
  else if (!isValidZone(e.zone)) add(`${at}.zone`, `"${e.zone}" is not a valid DNS zone (lowercase labels of letters, digits and hyphens, at least two labels, no trailing dot)`);

  if (typeof e.name !== 'string' || e.name.trim() === '') add(`${at}.name`, 'expected a non-empty string');

  const kind = e.kind;
  if (kind !== 'ip' && kind !== 'domain') add(`${at}.kind`, `expected "ip" or "domain", found ${JSON.stringify(kind)}`);

  for (const flag of ['ipv6', 'anyCodeIsListing', 'refusesPublicResolvers'] as const) {
    if (typeof e[flag] !== 'boolean') add(`${at}.${flag}`, 'expected true or false');
  }
  for (const flag of ['requiresKey', 'deprecated'] as const) {
    if (e[flag] !== undefined && typeof e[flag] !== 'boolean') add(`${at}.${flag}`, 'expected true or false when present');
  }
  if (kind === 'domain' && e.ipv6 === true) add(`${at}.ipv6`, 'a domain list is not queried by IPv6 address');

  const codes = validateCodeTable(e.codes, `${at}.codes`, add, true);
  const errorCodes = validateCodeTable(e.errorCodes, `${at}.errorCodes`, add, true);
  if (codes && errorCodes) {
    for (const code of Object.keys(errorCodes)) {
      if (Object.hasOwn(codes, code)) add(`${at}.errorCodes["${code}"]`, 'is also a listing code; a refusal must never read as a listing');
    }
  }

  let bitUnion = 0;
  if (e.bitmask !== undefined) {
    if (!isRecord(e.bitmask) || Object.keys(e.bitmask).length === 0) {
      add(`${at}.bitmask`, 'expected a non-empty object mapping bit values ("2", "4", ... "128") to sublist meanings');
    } else {
      for (const [bit, meaning] of Object.entries(e.bitmask)) {
        const p = `${at}.bitmask["${bit}"]`;
        if (!BIT_VALUES.has(bit)) add(p, 'is not a single bit of the last octet (1, 2, 4, 8, 16, 32, 64 or 128)');
        else bitUnion |= Number(bit);
        if (typeof meaning !== 'string' || meaning.trim() === '') add(p, 'meaning must be a non-empty string');
      }
      if (errorCodes) {
        for (const code of Object.keys(errorCodes)) {
          const o = parseIpv4(code);
          if (o && (o[3] & bitUnion) !== 0) add(`${at}.errorCodes["${code}"]`, 'its last octet sets a listing bit of the bitmask; a refusal must never decode as a listing');
        }
      }
    }
  }
  if (codes && Object.keys(codes).length === 0 && bitUnion === 0 && e.anyCodeIsListing === false) {
    add(`${at}.codes`, 'no answer could ever mean "listed": give codes, a bitmask, or anyCodeIsListing: true');
  }

  for (const point of ['testListed', 'testNotListed'] as const) {
    const v = e[point];
    const p = `${at}.${point}`;
    if (typeof v !== 'string' || v === '') add(p, 'missing: every list needs its documented test points');
    else if (kind === 'ip' && parseIpv4(v) === null) add(p, `"${v}" is not an IPv4 address (ip lists are tested by IPv4 address)`);
    else if (kind === 'domain' && (parseIpv4(v) !== null || !isValidTestDomain(v))) add(p, `"${v}" is not a domain name`);
  }
  if (typeof e.testListed === 'string' && e.testListed !== '' && e.testListed === e.testNotListed) {
    add(`${at}.testNotListed`, 'is the same as testListed');
  }

  if (typeof e.weight !== 'number' || !Number.isInteger(e.weight) || e.weight < 1 || e.weight > 10) {
    add(`${at}.weight`, `expected an integer from 1 to 10, found ${JSON.stringify(e.weight)}`);
  }

  for (const url of ['info', 'removal'] as const) {
    if (typeof e[url] !== 'string' || !isHttpsUrl(e[url] as string)) add(`${at}.${url}`, `expected an https:// URL, found ${JSON.stringify(e[url])}`);
  }

  if (kind === 'domain') {
    if (e.queryForm !== 'domain' && e.queryForm !== 'organizational-domain') {
      add(`${at}.queryForm`, `domain lists need "domain" or "organizational-domain", found ${JSON.stringify(e.queryForm)}`);
    }
  } else if (kind === 'ip' && e.queryForm !== undefined) {
    add(`${at}.queryForm`, 'only domain lists have a query form');
  }

  if (e.unconfirmed !== undefined) {
    if (!Array.isArray(e.unconfirmed)) add(`${at}.unconfirmed`, 'expected an array of field names');
    else {
      const seen = new Set<unknown>();
      e.unconfirmed.forEach((f: unknown, i: number) => {
        if (typeof f !== 'string' || !UNCONFIRMABLE.has(f)) add(`${at}.unconfirmed[${i}]`, `${JSON.stringify(f)} is not a field that can be marked unconfirmed`);
        if (seen.has(f)) add(`${at}.unconfirmed[${i}]`, `${JSON.stringify(f)} is listed twice`);
        seen.add(f);
      });
    }
  }

  if (typeof e.notes !== 'string' || e.notes.trim() === '') add(`${at}.notes`, 'expected a non-empty string (usage policy and sources)');
}

function toList(e: Record<string, unknown>): DnsblList {
  const list: DnsblList = {
    zone: e.zone as string,
    name: e.name as string,
    kind: e.kind as DnsblKind,
    ipv6: e.ipv6 as boolean,
    codes: { ...(e.codes as Record<string, string>) },
    anyCodeIsListing: e.anyCodeIsListing as boolean,
    errorCodes: { ...(e.errorCodes as Record<string, string>) },
    testListed: e.testListed as string,
    testNotListed: e.testNotListed as string,
    weight: e.weight as number,
    info: e.info as string,
    removal: e.removal as string,
    refusesPublicResolvers: e.refusesPublicResolvers as boolean,
    notes: e.notes as string,
  };
  if (e.bitmask !== undefined) list.bitmask = { ...(e.bitmask as Record<string, string>) };
  if (e.queryForm !== undefined) list.queryForm = e.queryForm as DnsblQueryForm;
  if (e.requiresKey !== undefined) list.requiresKey = e.requiresKey as boolean;
  if (e.deprecated !== undefined) list.deprecated = e.deprecated as boolean;
  if (e.unconfirmed !== undefined) list.unconfirmed = [...(e.unconfirmed as DnsblUnconfirmedField[])];
  return list;
}

// ---------------------------------------------------------------------------------------------
// The --dnsbl option

/**
 * Parses `--dnsbl zone[:ip|domain]` (kind defaults to ip). The zone gets the generic reading
 * of a DNSxL (RFC 5782 §2.1: a name exists in the zone exactly when the address is listed):
 * any 127.0.0.0/8 answer is a listing, except the refusal codes in GENERIC_ERROR_CODES. When `known` (normally the shipped lists) holds the same zone and
 * kind, that curated entry is returned instead, so its precise codes apply.
 */
export function parseDnsblOption(spec: string, known: readonly DnsblList[] = []): DnsblList {
  const text = spec.trim();
  const colon = text.lastIndexOf(':');
  let zonePart = text;
  let kind: DnsblKind = 'ip';
  if (colon !== -1) {
    zonePart = text.slice(0, colon);
    const k = text.slice(colon + 1).toLowerCase();
    if (k !== 'ip' && k !== 'domain') throw new Error(`--dnsbl ${spec}: unknown list kind "${k}" (expected ip or domain)`);
    kind = k;
  }
  const zone = zonePart.toLowerCase().replace(/\.$/, '');
  if (zone === '') throw new Error(`--dnsbl ${spec}: missing zone (expected zone[:ip|domain], e.g. zen.spamhaus.org or dbl.spamhaus.org:domain)`);
  if (!isValidZone(zone)) throw new Error(`--dnsbl ${spec}: "${zone}" is not a valid DNS zone`);

  const curated = known.find((l) => l.zone === zone && l.kind === kind);
  if (curated) return structuredClone(curated);

  const list: DnsblList = {
    zone,
    name: zone,
    kind,
    ipv6: false,
    codes: {},
    anyCodeIsListing: true,
    errorCodes: { ...GENERIC_ERROR_CODES },
    // RFC 5782 §5: IPv4 lists MUST list 127.0.0.2 and MUST NOT list 127.0.0.1; domain lists
    // MUST list TEST and MUST NOT list INVALID.
    testListed: kind === 'ip' ? '127.0.0.2' : 'test',
    testNotListed: kind === 'ip' ? '127.0.0.1' : 'invalid',
    weight: 5,
    refusesPublicResolvers: false,
    notes: 'User-supplied zone without curated data: any 127.0.0.0/8 answer other than the Spamhaus-convention refusal codes is read as a listing (RFC 5782 §2.1).',
  };
  if (kind === 'domain') list.queryForm = 'organizational-domain';
  return list;
}

// ---------------------------------------------------------------------------------------------
// Query names

/** RFC 5782 §2.1: the IPv4 address with its octets reversed, `192.0.2.99` -> `99.2.0.192`. */
export function reverseIpv4(ip: string): string {
  const o = parseIpv4(ip);
  if (!o) throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return [...o].reverse().join('.');
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded and an embedded IPv4 tail converted. */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // RFC 4291 §2.2 form 3 (x:x:x:x:x:x:d.d.d.d): the dotted quad is the last two groups.
    const v4 = parseIpv4(tail);
    if (!v4) throw new Error(`not an IPv6 address: ${JSON.stringify(ip)}`);
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`not an IPv6 address: ${JSON.stringify(ip)}`);
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const zeros = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(zeros, 0)).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) {
    throw new Error(`not an IPv6 address: ${JSON.stringify(ip)}`);
  }
  return groups;
}

/**
 * RFC 5782 §2.4: the IPv6 address as its 32 hex nibbles in reverse order, dot-separated,
 * `2001:db8::1` -> `1.0.0.0. ... .8.b.d.0.1.0.0.2`.
 */
export function reverseIpv6Nibbles(ip: string): string {
  if (ip.includes('%') || !net.isIPv6(ip)) throw new Error(`not an IPv6 address: ${JSON.stringify(ip)}`);
  const hex = ipv6Groups(ip).map((g) => g.toString(16).padStart(4, '0')).join('');
  return hex.split('').reverse().join('.');
}

/**
 * The name to ask for `target` in `list`: a reversed IPv4 address or IPv6 nibbles for ip
 * lists, the lowercase domain for domain lists, with `<key>.` before the zone for lists that
 * need a subscriber key. The caller reduces host names to the organizational domain first
 * when list.queryForm says so.
 */
export function dnsblQueryName(list: DnsblList, target: string, key?: string): string {
  if (list.requiresKey) {
    if (!key || !/^[a-z0-9-]{1,63}$/i.test(key)) throw new Error(`${list.name} needs a subscriber key (one DNS label) to be queried`);
  }
  const suffix = list.requiresKey ? `${key!.toLowerCase()}.${list.zone}` : list.zone;
  if (list.kind === 'ip') {
    if (parseIpv4(target)) return `${reverseIpv4(target)}.${suffix}`;
    if (net.isIPv6(target)) {
      if (!list.ipv6) throw new Error(`${list.name} does not accept IPv6 queries`);
      return `${reverseIpv6Nibbles(target)}.${suffix}`;
    }
    throw new Error(`${list.name} lists IP addresses; ${JSON.stringify(target)} is not one`);
  }
  const domain = target.toLowerCase().replace(/\.$/, '');
  if (!isValidTestDomain(domain) || parseIpv4(domain)) throw new Error(`${list.name} lists domains; ${JSON.stringify(target)} is not one`);
  return `${domain}.${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// Reading an answer

function describeBits(list: DnsblList, lastOctet: number): { meanings: string[]; unknownBits: number } {
  const meanings: string[] = [];
  let known = 0;
  for (const [bit, meaning] of Object.entries(list.bitmask ?? {})) {
    const b = Number(bit);
    if ((lastOctet & b) !== 0) {
      meanings.push(meaning);
      known |= b;
    }
  }
  return { meanings, unknownBits: lastOctet & ~known };
}

/**
 * Reads the A records a list returned for one query. `addresses` is empty for NXDOMAIN or
 * NODATA. Precedence, strongest first:
 *  - 'invalid' when any answer is outside 127.0.0.0/8 (DNSxL answers are loopback-net
 *    addresses, RFC 5782 §2.1; anything else is a resolver rewriting NXDOMAIN, so no answer
 *    in that response can be trusted);
 *  - 'refused' when any answer is one of the list's error codes: the query was not answered,
 *    which says nothing about the listing (never a listing);
 *  - 'listed' when an answer is a listing code or decodes to listing bits, or when the list
 *    documents that any 127.0.0.0/8 answer means listed;
 *  - 'invalid' with a detail when the answers are 127.0.0.0/8 codes the list does not define.
 */
export function interpretAnswer(list: DnsblList, addresses: readonly string[]): DnsblInterpretation {
  const answers = [...new Set(addresses.map((a) => a.trim()))].filter((a) => a !== '');
  if (answers.length === 0) return { verdict: 'not-listed', meanings: [], codes: [] };

  const outside = answers.filter((a) => !isLoopbackCode(a));
  if (outside.length > 0) {
    return {
      verdict: 'invalid',
      meanings: [],
      codes: outside,
      detail: `answer ${outside.join(', ')} is outside 127.0.0.0/8: the resolver rewrote the answer (NXDOMAIN redirection or filtering), so this ${list.name} result cannot be trusted`,
    };
  }

  const refusals = answers.filter((a) => Object.hasOwn(list.errorCodes, a));
  if (refusals.length > 0) {
    return {
      verdict: 'refused',
      meanings: refusals.map((a) => list.errorCodes[a]),
      codes: refusals,
      detail: `${list.name} did not answer the query (${refusals.join(', ')}); the listing status is unknown, not "listed"`,
    };
  }

  const meanings: string[] = [];
  const decided: string[] = [];
  const unknown: string[] = [];
  for (const a of answers) {
    if (Object.hasOwn(list.codes, a)) {
      meanings.push(list.codes[a]);
      decided.push(a);
      continue;
    }
    if (list.bitmask) {
      const { meanings: bits, unknownBits } = describeBits(list, parseIpv4(a)![3]);
      if (bits.length > 0) {
        meanings.push(...bits);
        decided.push(a);
        if (unknownBits !== 0) unknown.push(`${a} (undefined bits ${unknownBits})`);
        continue;
      }
    }
    unknown.push(a);
  }

  if (decided.length > 0) {
    const result: DnsblInterpretation = { verdict: 'listed', meanings: [...new Set(meanings)], codes: decided };
    if (unknown.length > 0) result.detail = `also answered ${unknown.join(', ')}, which ${list.name} does not define`;
    return result;
  }
  if (list.anyCodeIsListing) {
    return {
      verdict: 'listed',
      meanings: answers.map((a) => `listed (answer ${a}; ${list.name} gives no per-code meaning)`),
      codes: answers,
    };
  }
  return {
    verdict: 'invalid',
    meanings: [],
    codes: answers,
    detail: `answer ${answers.join(', ')} is not a code ${list.name} defines; not counted as a listing`,
  };
}
