// What the user typed, turned into an audit target. Accepted (docs/contract.md):
// a domain name (Unicode names become A-labels per IDNA via WHATWG domainToASCII), with a
// trailing dot, an email address (the part after the last @), a URL (its host), or an IP
// address (audits one mail server). Anything else is a usage error with one clear line.
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { classifyAddress } from '../net/address-class.ts';

export type AuditTarget =
  | { kind: 'domain'; input: string; domain: string }
  | { kind: 'ip'; input: string; ip: string };

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

const LDH_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function targetName(target: AuditTarget): string {
  return target.kind === 'domain' ? target.domain : target.ip;
}

/** An IP target is one mail server: a unicast address without an IPv6 zone index (src/net/address-class.ts). */
function ipTarget(input: string, address: string): AuditTarget {
  const ip = address.toLowerCase();
  if (ip.includes('%')) throw new TargetError(`"${input}" has an IPv6 zone index ("${ip.slice(ip.indexOf('%'))}"): give the address alone`);
  const cls = classifyAddress(ip);
  if (cls !== null && cls.scope === 'non-unicast') throw new TargetError(`"${input}" is ${cls.description}, which no mail server listens on`);
  return { kind: 'ip', input, ip };
}

export function parseTarget(raw: string): AuditTarget {
  const input = raw;
  let text = raw.trim();
  if (text === '') throw new TargetError('empty domain name');
  if (/\s/.test(text)) throw new TargetError(`"${raw}" is not a domain name: it contains white space`);

  const bracketed = /^\[([0-9a-fA-F:.]+)\]$/.exec(text);
  if (bracketed && net.isIP(bracketed[1]!)) return ipTarget(input, bracketed[1]!);
  if (net.isIP(text)) return ipTarget(input, text);

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new TargetError(`"${raw}" is not a valid URL`);
    }
    text = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(text)) return ipTarget(input, text);
  } else if (text.includes('@')) {
    text = text.slice(text.lastIndexOf('@') + 1);
    if (/^mailto:/i.test(raw.trim())) text = text.split('?')[0]!;
  }
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '') throw new TargetError(`"${raw}" has no domain name in it`);
  if (text.startsWith('.') || text.includes('..')) throw new TargetError(`"${raw}" is not a domain name: it has an empty label`);

  // IDNA (UTS #46) mapping: Unicode labels become xn-- A-labels; invalid code points fail.
  const ascii = domainToASCII(text.toLowerCase());
  if (ascii === '') throw new TargetError(`"${raw}" is not a valid domain name (invalid characters)`);
  if (ascii.length > 253) throw new TargetError(`"${raw}" is not a domain name: ${ascii.length} characters, over the 253 allowed`);
  const labels = ascii.split('.');
  if (labels.length < 2) throw new TargetError(`"${raw}" is not a fully qualified domain name (it needs at least one dot)`);
  for (const label of labels) {
    if (label.length === 0) throw new TargetError(`"${raw}" is not a domain name: it has an empty label`);
    if (label.length > 63) throw new TargetError(`"${raw}" is not a domain name: the label "${label.slice(0, 20)}..." is over 63 characters`);
    if (!LDH_LABEL.test(label)) throw new TargetError(`"${raw}" is not a valid domain name: "${label}" has invalid characters`);
  }
  if (/^\d+$/.test(labels.at(-1)!)) throw new TargetError(`"${raw}" is not a domain name: the top-level label is numeric`);
  return { kind: 'domain', input, domain: ascii };
}
