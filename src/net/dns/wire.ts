// DNS messages on the wire, via dns2's packet codec. We use dns2 rather than Node's c-ares
// resolver because checks need what c-ares hides: the raw RCODE, the AD flag (RFC 4035
// 3.2.3), the CNAME chain in the answer (RFC 2181 10.3: MX targets must not be aliases),
// and types c-ares cannot ask for (TLSA, RFC 6698).
import { Packet } from 'dns2';
import type { DnsRcode, DnsRecord, RRType } from './types.ts';

const TYPE_CODES: Record<RRType, number> = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, TLSA: 52, SPF: 99, CAA: 257,
};
const TYPE_NAMES = new Map<number, RRType>(Object.entries(TYPE_CODES).map(([k, v]) => [v, k as RRType]));

const RCODES: Record<number, DnsRcode> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED',
};

/** EDNS(0) payload size we advertise: the DNS Flag Day 2020 value that avoids IP fragmentation. */
export const EDNS_UDP_PAYLOAD = 1232;

export function typeCode(type: RRType): number {
  return TYPE_CODES[type];
}

/**
 * One query message (RFC 1035 section 4.1): the header, one question, and an OPT record
 * (RFC 6891 section 6) advertising EDNS_UDP_PAYLOAD. Written by hand rather than with dns2's
 * Packet, which built a tree of objects per query (a tenth of a bulk run's CPU).
 * Flags: RD, ask for recursion; AD, RFC 6840 section 5.7: setting AD in a query asks a
 * validating resolver to report whether it validated the answer, without the DO bit.
 * `name` has been checked by validateQueryName (labels of 1-63 octets).
 */
export function encodeQuery(id: number, name: string, type: RRType): Buffer {
  const labels = name === '' ? [] : name.replace(/\.$/, '').split('.').map((l) => Buffer.from(l, 'utf8'));
  const nameLength = labels.reduce((n, l) => n + 1 + l.length, 1);
  const message = Buffer.alloc(12 + nameLength + 4 + 11);
  message.writeUInt16BE(id & 0xffff, 0);
  message.writeUInt16BE(0x0120, 2); // QR=0 OPCODE=0 RD=1; AD=1
  message.writeUInt16BE(1, 4); // QDCOUNT
  message.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  let at = 12;
  for (const label of labels) {
    message[at++] = label.length;
    label.copy(message, at);
    at += label.length;
  }
  message[at++] = 0; // the root label
  message.writeUInt16BE(TYPE_CODES[type], at);
  message.writeUInt16BE(1, at + 2); // class IN
  at += 4;
  // OPT: root name, TYPE 41, CLASS = UDP payload size, TTL = extended RCODE/version/flags 0, RDLEN 0
  message[at] = 0;
  message.writeUInt16BE(41, at + 1);
  message.writeUInt16BE(EDNS_UDP_PAYLOAD, at + 3);
  return message;
}

export interface DecodedResponse {
  id: number;
  rcode: DnsRcode;
  truncated: boolean;
  authenticated: boolean;
  question: { name: string; type: number } | null;
  /** All answer-section records we can represent, in order (any type, including CNAMEs). */
  answers: DnsRecord[];
  /** Owner names of the SOA records in the authority section: RFC 2308 section 2.2 marks a negative (NODATA) answer with one. */
  authoritySoa: string[];
  /** Records we could not decode (a hostile or broken server), as messages. */
  decodeErrors: string[];
  /**
   * Why the message cannot be used, or null. A question or answer record that did not decode,
   * or a failure that left the rest of the message unreadable (a message cut short without the
   * TC bit, a compression-pointer loop, garbage after the header), makes the whole answer
   * unusable: what decoded is not all the server said, so "no records" would be a guess.
   * A recoverable failure in the authority or additional section (one record's RDATA) leaves
   * the answer section whole, and we judge only the answer section.
   */
  malformed: string | null;
}

function lower(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

interface RawResource {
  name: string; type: number; ttl: number;
  address?: string; exchange?: string; priority?: number; data?: unknown; domain?: string; ns?: string;
  primary?: string; admin?: string; serial?: number; refresh?: number; retry?: number; expiration?: number; minimum?: number;
  flags?: number; tag?: string; value?: string; weight?: number; port?: number; target?: string;
}

function toRecord(r: RawResource): DnsRecord | null {
  const type = TYPE_NAMES.get(r.type);
  const name = lower(r.name);
  const ttl = r.ttl;
  switch (type) {
    case 'A':
    case 'AAAA':
      return typeof r.address === 'string' ? { type, name, ttl, address: r.address } : null;
    case 'MX':
      return { type, name, ttl, data: { priority: r.priority ?? 0, exchange: lower(r.exchange ?? '') } };
    case 'TXT':
    case 'SPF':
      return { type, name, ttl, strings: Array.isArray(r.data) ? (r.data as string[]) : [String(r.data ?? '')] };
    case 'CNAME':
    case 'PTR':
      return { type, name, ttl, target: lower(r.domain ?? '') };
    case 'NS':
      return { type, name, ttl, target: lower(r.ns ?? '') };
    case 'SOA':
      return {
        type, name, ttl,
        data: {
          mname: lower(r.primary ?? ''), rname: lower(r.admin ?? ''), serial: r.serial ?? 0, refresh: r.refresh ?? 0,
          retry: r.retry ?? 0, expire: r.expiration ?? 0, minimum: r.minimum ?? 0,
        },
      };
    case 'TLSA': {
      // RFC 6698 2.1: usage (1 octet), selector (1), matching type (1), certificate association data.
      const data = Buffer.isBuffer(r.data) ? r.data : Buffer.alloc(0);
      if (data.length < 3) return null;
      return {
        type, name, ttl,
        data: { usage: data[0]!, selector: data[1]!, matchingType: data[2]!, data: data.subarray(3).toString('hex') },
      };
    }
    case 'CAA':
      return { type, name, ttl, data: { flags: r.flags ?? 0, tag: r.tag ?? '', value: r.value ?? '' } };
    case 'SRV':
      return { type, name, ttl, data: { priority: r.priority ?? 0, weight: r.weight ?? 0, port: r.port ?? 0, target: lower(r.target ?? '') } };
    default:
      return null;
  }
}

interface RawDecodeError { message: string; section?: string; recovered?: boolean }

/** Decodes one response; throws only when there is no 12-octet header to read. */
export function decodeResponse(buffer: Buffer): DecodedResponse {
  const packet = Packet.parse(buffer) as unknown as {
    header: { id: number; rcode: number; tc: number; ad: number; qr: number };
    questions: Array<{ name?: unknown; type?: unknown }>;
    answers: RawResource[];
    authorities: RawResource[];
    errors: RawDecodeError[];
  };
  const decodeErrors = packet.errors.map((e) => String(e.message));
  let malformed: string | null = null;
  const fatal = packet.errors.find((e) => e.section === 'questions' || e.section === 'answers' || !e.recovered);
  if (fatal) malformed = String(fatal.message);
  const answers: DnsRecord[] = [];
  for (const raw of packet.answers) {
    let record: DnsRecord | null = null;
    try {
      record = raw && typeof raw.name === 'string' ? toRecord(raw) : null;
    } catch (error) {
      // a value dns2 decoded into a shape we did not expect: the answer is not usable as a whole
      const message = `answer record: ${(error as Error).message}`;
      decodeErrors.push(message);
      malformed ??= message;
    }
    if (record) answers.push(record);
  }
  const authoritySoa = packet.authorities
    .filter((r) => r && r.type === TYPE_CODES.SOA && typeof r.name === 'string')
    .map((r) => lower(r.name));
  const q = packet.questions[0];
  return {
    id: packet.header.id,
    rcode: RCODES[packet.header.rcode] ?? `RCODE${packet.header.rcode}`,
    truncated: !!packet.header.tc,
    authenticated: !!packet.header.ad,
    question: q && typeof q.name === 'string' && typeof q.type === 'number' ? { name: lower(q.name), type: q.type } : null,
    answers,
    authoritySoa,
    decodeErrors,
    malformed,
  };
}

export interface SelectedAnswer {
  records: DnsRecord[];
  /** CNAME targets followed, in order */
  cnames: string[];
  /** the name the chain ended at (the asked name when there was no CNAME) */
  final: string;
  /** the chain came back to a name already in it (RFC 1034 3.6.2: an alias loop is an error) */
  loop: boolean;
}

/**
 * Follow the CNAME chain for `name` through the answer section (RFC 1034 3.6.2: a recursive
 * resolver returns the aliases followed by the records of the canonical name) and pick the
 * records of the asked type at the end of the chain.
 */
export function selectAnswer(name: string, type: RRType, answers: DnsRecord[]): SelectedAnswer {
  const cnames: string[] = [];
  let current = lower(name);
  const seen = new Set([current]);
  let loop = false;
  if (type !== 'CNAME') {
    for (;;) {
      const alias = answers.find((r) => r.type === 'CNAME' && r.name === current);
      if (!alias || alias.type !== 'CNAME') break;
      if (seen.has(alias.target)) {
        loop = true;
        cnames.push(alias.target);
        break;
      }
      cnames.push(alias.target);
      seen.add(alias.target);
      current = alias.target;
    }
  }
  const records = loop ? [] : answers.filter((r) => r.type === type && r.name === current);
  return { records, cnames, final: current, loop };
}

/** RFC 1035 2.3.4: labels of 1-63 octets, at most 255 octets on the wire (253 characters). */
export function validateQueryName(name: string): string | null {
  if (name === '') return 'empty name';
  if (name.length > 253) return `name is ${name.length} characters, over 253`;
  for (const label of name.split('.')) {
    if (label.length === 0) return 'empty label';
    if (Buffer.byteLength(label) > 63) return `label "${label.slice(0, 20)}..." is over 63 octets`;
  }
  return null;
}
