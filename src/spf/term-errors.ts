// Why an SPF address or prefix length is invalid, said so that the message names the real cause
// (a second prefix length, a port, the other address family, a zone index...) rather than
// "not a number". Pure helpers of parse-spf.ts; each message cites the RFC 7208 rule it breaks.
//
//   ip4-network     = qnum "." qnum "." qnum "." qnum                       (5.6)
//   qnum            = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
//   ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT)                         (5.6)
//   ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT)                         (5.6)
//   dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]         (5.3, 5.4)
import { isIPv4, isIPv6 } from 'node:net';

/** An error at `offset` characters into the text that was examined. */
export interface TermError { offset: number; message: string }

const IP4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])){3}$/;

/** Whether `text` is an ip4-network of RFC 7208 5.6 (a dotted quad without leading zeros). */
export function isIp4Network(text: string): boolean {
  return IP4.test(text);
}

/** Why `text`, written after "ip4:", is not an ip4-network; null when it is one. */
export function ip4NetworkError(text: string): TermError | null {
  if (isIp4Network(text)) return null;
  if (text === '') return { offset: 0, message: '"ip4:" has no address after ":" (RFC 7208 5.6).' };
  if (isIPv6(text)) return { offset: 0, message: `"${text}" is an IPv6 address: write ip6:${text} (RFC 7208 5.6).` };
  const port = /^(.*):([0-9]*)$/.exec(text);
  if (port && isIp4Network(port[1]!)) {
    return { offset: port[1]!.length, message: `":${port[2]}" looks like a port; ip4 takes an address and an optional prefix length, never a port (RFC 7208 5.6).` };
  }
  const parts = text.split('.');
  if (parts.length !== 4) {
    return { offset: 0, message: `"${text}" has ${parts.length} part${parts.length === 1 ? '' : 's'}; an IPv4 address is four decimal numbers from 0 to 255 separated by dots (RFC 7208 5.6).` };
  }
  for (const part of parts) {
    const where = { offset: 0 };
    if (part === '') return { ...where, message: `"${text}" has an empty part between dots (RFC 7208 5.6).` };
    if (!/^[0-9]+$/.test(part)) return { ...where, message: `"${part}" is not a decimal number (address "${text}", RFC 7208 5.6).` };
    if (part.length > 1 && part.startsWith('0')) return { ...where, message: `"${part}" has a leading zero, which RFC 7208 5.6 does not allow in an address (qnum; address "${text}").` };
    if (Number(part) > 255) return { ...where, message: `"${part}" is over 255 (address "${text}", RFC 7208 5.6).` };
  }
  return { offset: 0, message: `"${text}" is not an IPv4 address (RFC 7208 5.6).` };
}

/** Why `text`, written after "ip6:", is not an ip6-network; null when it is one. */
export function ip6NetworkError(text: string): TermError | null {
  const zone = text.indexOf('%');
  if (zone === -1 && isIPv6(text)) return null;
  if (text === '') return { offset: 0, message: '"ip6:" has no address after ":" (RFC 7208 5.6).' };
  if (zone !== -1 && isIPv6(text.slice(0, zone))) {
    return { offset: zone, message: `"${text.slice(zone)}" is a zone index, which means nothing outside the sending host; write the address alone (RFC 7208 5.6, RFC 4291 2.2).` };
  }
  if (isIPv4(text) || isIp4Network(text)) return { offset: 0, message: `"${text}" is an IPv4 address: write ip4:${text} (RFC 7208 5.6).` };
  return { offset: 0, message: `"${text}" is not an IPv6 address in the text form of RFC 4291 2.2 (RFC 7208 5.6).` };
}

/** One prefix length (the digits after "/" or "//"), or why it is invalid. */
function prefixLength(written: string, digits: string, max: number, family: 'IPv4' | 'IPv6'): number | string {
  if (digits === '') return `"${written}" is not followed by a prefix length (RFC 7208 5.6: a number from 0 to ${max}).`;
  if (!/^[0-9]+$/.test(digits)) return `"${written}" is not a prefix length: it must be a number from 0 to ${max} (RFC 7208 5.6).`;
  if (digits.length > 1 && digits.startsWith('0')) return `The ${family} prefix length "${written}" has a leading zero, which RFC 7208 5.6 does not allow.`;
  const value = Number(digits);
  if (value > max) return `The ${family} prefix length /${value} is over ${max} (RFC 7208 5.6).`;
  return value;
}

/**
 * The single prefix length of ip4 or ip6 (`suffix` starts with "/"). A "//" or a second "/"
 * is named as such: ip4 and ip6 take one prefix length; only a and mx take the dual form.
 */
export function singlePrefix(suffix: string, mechanism: 'ip4' | 'ip6', network: string): number | TermError {
  const max = mechanism === 'ip4' ? 32 : 128;
  const family = mechanism === 'ip4' ? 'IPv4' : 'IPv6';
  if (suffix.startsWith('//')) {
    const digits = suffix.slice(2);
    const example = /^[0-9]+$/.test(digits) ? `${mechanism}:${network}/${digits}` : `${mechanism}:${network}/<prefix>`;
    return { offset: 0, message: `"${suffix}" is the IPv6 half of the dual prefix length that only a and mx take (RFC 7208 5.3, 5.4); ${mechanism} takes a single prefix length, as in ${example} (RFC 7208 5.6).` };
  }
  const second = suffix.indexOf('/', 1);
  const first = second === -1 ? suffix : suffix.slice(0, second);
  const value = prefixLength(first, first.slice(1), max, family);
  if (typeof value === 'string') return { offset: 0, message: value };
  if (second !== -1) {
    return { offset: second, message: `"${suffix.slice(second)}" follows the prefix length "${first}": ${mechanism} takes one prefix length (RFC 7208 5.6); only a and mx take a second, IPv6 one, written "//" (RFC 7208 5.3, 5.4).` };
  }
  return value;
}

/** The dual-cidr-length of a or mx (`suffix` starts with "/"): the IPv4 and IPv6 prefix lengths, or why it is invalid. */
export function dualPrefix(suffix: string, mechanism: 'a' | 'mx'): { cidr4: number | null; cidr6: number | null } | TermError {
  const section = mechanism === 'a' ? '5.3' : '5.4';
  const shape = `"${suffix}" is not a prefix length: ${mechanism} takes /<0-32>, //<0-128> or both, as in /24//64 (RFC 7208 ${section}).`;
  let v4: string | null = null;
  let v6: string | null = null;
  let v6Offset = 0;
  if (suffix.startsWith('//')) {
    v6 = suffix.slice(2);
  } else {
    const next = suffix.indexOf('/', 1);
    v4 = next === -1 ? suffix.slice(1) : suffix.slice(1, next);
    if (next !== -1) {
      if (!suffix.startsWith('//', next)) return { offset: 0, message: shape };
      v6 = suffix.slice(next + 2);
      v6Offset = next;
    }
  }
  if ((v4 !== null && v4.includes('/')) || (v6 !== null && v6.includes('/'))) return { offset: 0, message: shape };
  const result: { cidr4: number | null; cidr6: number | null } = { cidr4: null, cidr6: null };
  if (v4 !== null) {
    const value = prefixLength(`/${v4}`, v4, 32, 'IPv4');
    if (typeof value === 'string') return { offset: 0, message: /^[0-9]*$/.test(v4) ? value : shape };
    result.cidr4 = value;
  }
  if (v6 !== null) {
    const value = prefixLength(`//${v6}`, v6, 128, 'IPv6');
    if (typeof value === 'string') return { offset: v6Offset, message: /^[0-9]*$/.test(v6) ? value : shape };
    result.cidr6 = value;
  }
  return result;
}

/**
 * Where a prefix length starts after a domain-spec: the first "/" after the last label (a "/"
 * inside the domain or a macro is a macro-literal, RFC 7208 7.1; the top label has none). -1
 * when there is none.
 */
export function prefixAfterDomain(spec: string): number {
  const tail = Math.max(spec.lastIndexOf('.'), spec.lastIndexOf('}')) + 1;
  return spec.indexOf('/', tail);
}

/**
 * A clearer cause for a domain-spec that failed to parse, when there is one: an IP address where
 * a domain belongs, a port, or a prefix length on a mechanism or modifier that takes none.
 */
export function domainSpecHint(spec: string, term: string, section: string): TermError | null {
  if (isIp4Network(spec) || isIPv6(spec)) {
    const mechanism = isIPv6(spec) ? 'ip6' : 'ip4';
    return { offset: 0, message: `"${spec}" is an IP address, not a domain: write ${mechanism}:${spec} (RFC 7208 ${section}, 5.6).` };
  }
  const port = /^(.*\.[A-Za-z0-9-]+):([0-9]+)$/.exec(spec);
  if (port) return { offset: port[1]!.length, message: `":${port[2]}" looks like a port; ${term} names a domain, never a port (RFC 7208 ${section}).` };
  if (term !== 'a' && term !== 'mx') {
    const slash = prefixAfterDomain(spec);
    if (slash > 0) return { offset: slash, message: `${term} takes no prefix length: "${spec.slice(slash)}" cannot follow the domain (RFC 7208 ${section}).` };
  }
  return null;
}
