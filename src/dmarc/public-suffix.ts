// The Public Suffix List view of the Organizational Domain, as RFC 7489 section 3.2 defines it
// (the registered domain one label below the longest public suffix). RFC 9989 replaced it with
// the DNS Tree Walk; it is still what RFC 7489 receivers use, so the audit compares the two.
// tldts embeds the PSL at release time (private domains included, as RFC 7489 3.2 takes the
// whole list); its answers match 76 of the 78 official PSL test vectors (see
// test/vectors/README.md), the two misses being inputs with a leading dot.
import { getDomain } from 'tldts';

export function pslOrganizationalDomain(domain: string): string | null {
  const name = domain.toLowerCase().replace(/\.$/, '');
  if (name === '' || name.startsWith('.')) return null;
  return getDomain(name, { allowPrivateDomains: true });
}

/** `name` is `parent` or lies below it. */
export function isAtOrBelow(name: string, parent: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const p = parent.toLowerCase().replace(/\.$/, '');
  return n === p || n.endsWith(`.${p}`);
}
