// External report destinations, RFC 7489 section 7.1: when a rua/ruf URI names a host outside
// the policy domain's Organizational Domain, the receiver looks up
// `<policy domain>._report._dmarc.<destination host>` and sends reports only if a TXT record
// there starts with v=DMARC1. Pure helpers; the collector does the lookups.
import { isDmarcRecord, type ReportUri } from '../parse/dmarc-record.ts';
import { isAtOrBelow, pslOrganizationalDomain } from './public-suffix.ts';

/** RFC 7489 7.1 step 2-3: "<policy domain>._report._dmarc.<destination host>". */
export function reportAuthorizationName(policyDomain: string, destination: string): string {
  return `${policyDomain.toLowerCase()}._report._dmarc.${destination.toLowerCase()}`;
}

/** The wildcard form some report processors publish to accept every domain's reports. */
export function wildcardAuthorizationName(destination: string): string {
  return `*._report._dmarc.${destination.toLowerCase()}`;
}

/**
 * RFC 7489 7.1 step 1: verification is needed only when the destination host is not in the
 * same Organizational Domain as the domain that published the policy. The destination's
 * Organizational Domain is taken from the PSL (as RFC 7489 3.2 does); the policy side accepts
 * either its PSL Organizational Domain or the one the Tree Walk found.
 */
export function isExternalDestination(destination: string, policyDomain: string, walkOrgDomain: string): boolean {
  if (isAtOrBelow(destination, walkOrgDomain) || isAtOrBelow(destination, policyDomain)) return false;
  const destinationOrg = pslOrganizationalDomain(destination);
  const policyOrg = pslOrganizationalDomain(policyDomain);
  return destinationOrg === null || policyOrg === null || destinationOrg !== policyOrg;
}

/** RFC 7489 7.1 step 4-5: some TXT record at the name starts with v=DMARC1. */
export function authorizes(txt: readonly string[]): boolean {
  return txt.some(isDmarcRecord);
}

/** The distinct hosts of the valid rua/ruf URIs, in order of first appearance. */
export function reportDestinations(rua: readonly ReportUri[], ruf: readonly ReportUri[]): Array<{ host: string; uris: string[]; tags: Array<'rua' | 'ruf'> }> {
  const byHost = new Map<string, { host: string; uris: string[]; tags: Array<'rua' | 'ruf'> }>();
  for (const [tag, list] of [['rua', rua], ['ruf', ruf]] as const) {
    for (const uri of list) {
      if (!uri.valid || !uri.domain) continue;
      const entry = byHost.get(uri.domain) ?? { host: uri.domain, uris: [], tags: [] };
      if (!entry.uris.includes(uri.uri)) entry.uris.push(uri.uri);
      if (!entry.tags.includes(tag)) entry.tags.push(tag);
      byHost.set(uri.domain, entry);
    }
  }
  return [...byHost.values()];
}
