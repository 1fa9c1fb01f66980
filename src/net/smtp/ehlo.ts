// The EHLO reply: the server's name, its greeting text and the service extensions it offers
// (RFC 5321 section 4.1.1.1). Servers in the wild add junk lines, repeat keywords and still
// send the pre-standard "AUTH=" line, so parsing keeps what is valid and lists what is not.

import type { SmtpReply } from './reply-reader.ts';

export interface EhloInfo {
  /** The Domain (or address literal) on the first line, as sent. */
  domain: string;
  /** The rest of the first line (ehlo-greet), possibly empty. */
  greetingText: string;
  /**
   * Keyword (uppercase) -> its parameters, in the order advertised. A keyword advertised on
   * several lines gets the union of their parameters.
   */
  extensions: Record<string, string[]>;
  /**
   * Mechanisms from the pre-RFC 2554 "AUTH=LOGIN PLAIN" form, which some clients (old Outlook)
   * still need and so some servers still send. Uppercase.
   */
  legacyAuth: string[];
  /** Extension lines that match neither ehlo-line nor the legacy AUTH= form, verbatim. */
  malformedLines: string[];
}

// RFC 5321 4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-");
// ehlo-param = 1*(%d33-126); parameters are separated by SP.
const EHLO_KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const EHLO_PARAM = /^[\x21-\x7e]+$/;
const LEGACY_AUTH = /^AUTH=(.*)$/i;

/**
 * Parse a successful EHLO reply. Throws a RangeError for any reply other than 250: callers
 * must look at the code first (a 5xx EHLO means falling back to HELO, not an empty list).
 */
export function parseEhlo(reply: SmtpReply): EhloInfo {
  if (reply.code !== 250) throw new RangeError(`parseEhlo needs a 250 reply, got ${reply.code}`);
  const [first = '', ...rest] = reply.lines;
  const firstLine = first.trim();
  const sp = firstLine.search(/[ \t]/);
  const domain = sp === -1 ? firstLine : firstLine.slice(0, sp);
  const greetingText = sp === -1 ? '' : firstLine.slice(sp + 1).trim();

  const extensions: Record<string, string[]> = {};
  const legacyAuth: string[] = [];
  const malformedLines: string[] = [];
  for (const raw of rest) {
    const line = raw.trim();
    const legacy = LEGACY_AUTH.exec(line);
    if (legacy) {
      for (const mech of splitParams(legacy[1] ?? '')) addUnique(legacyAuth, mech.toUpperCase());
      continue;
    }
    const [keyword = '', ...params] = splitParams(line);
    if (!EHLO_KEYWORD.test(keyword) || !params.every((p) => EHLO_PARAM.test(p))) {
      malformedLines.push(raw);
      continue;
    }
    const key = keyword.toUpperCase();
    const list = Object.hasOwn(extensions, key) ? extensions[key] : (extensions[key] = []);
    for (const p of params) addUnique(list, p);
  }
  return { domain, greetingText, extensions, legacyAuth, malformedLines };
}

function splitParams(s: string): string[] {
  return s.split(/[ \t]+/).filter((p) => p.length > 0);
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** True when the keyword was advertised. */
export function hasExtension(info: EhloInfo, keyword: string): boolean {
  return Object.hasOwn(info.extensions, keyword.toUpperCase());
}

/** STARTTLS (RFC 3207). */
export function hasStartTls(info: EhloInfo): boolean {
  return hasExtension(info, 'STARTTLS');
}

/**
 * SASL mechanisms offered (RFC 4954 AUTH plus the legacy AUTH= form), uppercase, no
 * duplicates, AUTH's order first.
 */
export function authMechanisms(info: EhloInfo): string[] {
  const out: string[] = [];
  for (const m of info.extensions['AUTH'] ?? []) addUnique(out, m.toUpperCase());
  for (const m of info.legacyAuth) addUnique(out, m);
  return out;
}

/**
 * Declared maximum message size in octets (RFC 1870 section 4): null when SIZE is not
 * advertised or its parameter is not a number; 0 when SIZE is advertised without a fixed
 * maximum ("SIZE" or "SIZE 0").
 */
export function size(info: EhloInfo): number | null {
  if (!hasExtension(info, 'SIZE')) return null;
  const params = info.extensions['SIZE'];
  if (params.length === 0) return 0;
  if (!/^[0-9]{1,20}$/.test(params[0])) return null;
  const n = Number(params[0]);
  return Number.isSafeInteger(n) ? n : null;
}

/** PIPELINING (RFC 2920): commands may be sent in groups. */
export function pipelining(info: EhloInfo): boolean {
  return hasExtension(info, 'PIPELINING');
}

/** 8BITMIME (RFC 6152). */
export function eightBitMime(info: EhloInfo): boolean {
  return hasExtension(info, '8BITMIME');
}

/** SMTPUTF8 (RFC 6531). */
export function smtpUtf8(info: EhloInfo): boolean {
  return hasExtension(info, 'SMTPUTF8');
}

/** CHUNKING, the BDAT command (RFC 3030). */
export function chunking(info: EhloInfo): boolean {
  return hasExtension(info, 'CHUNKING');
}

/** REQUIRETLS (RFC 8689). */
export function requireTls(info: EhloInfo): boolean {
  return hasExtension(info, 'REQUIRETLS');
}
