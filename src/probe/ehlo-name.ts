// The name the probe announces in EHLO when --ehlo is not given. RFC 5321 section 4.1.1.1: the
// argument should be the client's fully qualified domain name, and many receivers penalise or
// refuse a bare word. So: this machine's host name when it is a dotted, syntactically valid
// name that is not a local-only one (localhost, .local, .localdomain, .lan, .home, .internal);
// otherwise "smtp-audit.invalid", a name that is plainly a probe and can never resolve
// (RFC 2606 section 2 reserves .invalid). Programmatic callers get "smtp-audit.invalid" from
// DEFAULT_OPTIONS, so library use never leaks the machine's name.
import os from 'node:os';

export const FALLBACK_EHLO_NAME = 'smtp-audit.invalid';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOTTED = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);
const LOCAL_ONLY = /(^|\.)(localhost|localdomain|local|lan|home|internal)$/;

export function ehloNameFrom(hostname: string): string {
  const name = hostname.trim().toLowerCase().replace(/\.$/, '');
  if (!DOTTED.test(name) || LOCAL_ONLY.test(name) || /^\d+(\.\d+)+$/.test(name)) return FALLBACK_EHLO_NAME;
  return name;
}

export function defaultEhloName(): string {
  return ehloNameFrom(os.hostname());
}
