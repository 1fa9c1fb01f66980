// The address forms the open-relay test tries: an outside sender to an outside recipient, the
// plain way and in the old routing syntaxes that relay checks have missed over the years. The
// set follows the one nmap's smtp-open-relay script tries (null sender, a sender at the server
// itself or at its address literal, the %-hack, quoted local parts holding an @ or %, doubled
// @, RFC 821 source routes and UUCP bang paths), rebuilt here with our own outside addresses
// (reserved example domains, RFC 2606) and the address literal syntax of RFC 5321 4.1.3.
import net from 'node:net';

export interface RelayForm {
  /** stable kebab name, used in findings and evidence */
  form: string;
  /** what the form is, for people */
  description: string;
  /**
   * What the form varies. Sender forms try an outside recipient from a particular sender;
   * recipient forms try a routing syntax in RCPT from a sender the server has already
   * accepted (learned from the sender forms), so a refused sender never hides the answer.
   */
  varies: 'sender' | 'recipient';
  /** the sender of a sender form; null for recipient forms (the runner supplies it) */
  mailFrom: string | null;
  rcptTo: string;
}

export interface RelayFormInput {
  /** outside sender, local@domain */
  from: string;
  /** outside recipient, local@domain */
  to: string;
  /** the server's IP address (the one we connected to) */
  address: string;
  /** the name the server announces (banner/EHLO), or its MX host name; null when unknown */
  serverName: string | null;
}

/** RFC 5321 4.1.3: [192.0.2.1], [IPv6:2001:db8::1]. */
export function addressLiteral(address: string): string {
  return net.isIPv6(address) ? `[IPv6:${address}]` : `[${address}]`;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** A name safe to put inside a command: a plain dotted host name. */
export function usableServerName(name: string | null | undefined): string | null {
  if (!name) return null;
  const n = name.replace(/\.$/, '').toLowerCase();
  return HOST_NAME.test(n) ? n : null;
}

function split(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

export function relayForms(input: RelayFormInput): RelayForm[] {
  const from = split(input.from);
  const to = split(input.to);
  const ip = addressLiteral(input.address);
  const name = usableServerName(input.serverName);
  const forms: RelayForm[] = [
    { form: 'null-sender', description: 'null reverse-path (bounce) to an outside recipient', varies: 'sender', mailFrom: '', rcptTo: input.to },
    { form: 'plain', description: 'outside sender to an outside recipient', varies: 'sender', mailFrom: input.from, rcptTo: input.to },
  ];
  if (name) forms.push({ form: 'sender-server-name', description: 'sender forged at the server\'s own name', varies: 'sender', mailFrom: `${from.local}@${name}`, rcptTo: input.to });
  forms.push({ form: 'sender-address-literal', description: 'sender at the server\'s address literal', varies: 'sender', mailFrom: `${from.local}@${ip}`, rcptTo: input.to });
  const rcpts: Array<[string, string, string | null]> = [
    ['percent-hack-address', '%-hack routed through the server\'s address literal', `${to.local}%${to.domain}@${ip}`],
    ['percent-hack-name', '%-hack routed through the server\'s name', name && `${to.local}%${to.domain}@${name}`],
    ['quoted', 'quoted local part holding the outside address', `"${to.local}@${to.domain}"`],
    ['quoted-percent', 'quoted local part holding a %-hack', `"${to.local}%${to.domain}"`],
    ['double-at-address', 'outside address followed by @ the server\'s address literal', `${to.local}@${to.domain}@${ip}`],
    ['quoted-at-address', 'quoted outside address @ the server\'s address literal', `"${to.local}@${to.domain}"@${ip}`],
    ['double-at-name', 'outside address followed by @ the server\'s name', name && `${to.local}@${to.domain}@${name}`],
    ['source-route-address', 'RFC 821 source route through the server\'s address literal', `@${ip}:${to.local}@${to.domain}`],
    ['source-route-name', 'RFC 821 source route through the server\'s name', name && `@${name}:${to.local}@${to.domain}`],
    ['bang-path', 'UUCP bang path', `${to.domain}!${to.local}`],
    ['bang-path-address', 'UUCP bang path @ the server\'s address literal', `${to.domain}!${to.local}@${ip}`],
    ['bang-path-name', 'UUCP bang path @ the server\'s name', name && `${to.domain}!${to.local}@${name}`],
  ];
  for (const [form, description, rcptTo] of rcpts) {
    if (rcptTo) forms.push({ form, description, varies: 'recipient', mailFrom: null, rcptTo });
  }
  return forms;
}

// A relay address option must be a plain local@domain: no quotes, spaces, angle brackets or
// routing characters of its own, so the forms above are the only routing syntax on the wire.
const PLAIN_ADDRESS = /^[A-Za-z0-9._+-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isPlainAddress(address: string): boolean {
  return PLAIN_ADDRESS.test(address);
}

export const DEFAULT_RELAY_FROM = 'relay-test@example.net';
export const DEFAULT_RELAY_TO = 'relay-test@example.org';
