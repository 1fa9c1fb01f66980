// Turning a DnsAnswer into a compact LookupFact that facts keep as JSON.
import type { LookupFact } from '../../core/facts.ts';
import type { DnsAnswer, DnsRecord } from './types.ts';

export function lookupFact<T>(answer: DnsAnswer, pick: (record: DnsRecord) => T | null): LookupFact<T> {
  const fact: LookupFact<T> = {
    outcome: answer.outcome,
    values: answer.records.map(pick).filter((v): v is T => v !== null),
  };
  if (answer.outcome === 'error') fact.error = answer.errorDetail ? `${answer.error}: ${answer.errorDetail}` : (answer.error ?? 'error');
  if (answer.cnames.length > 0) fact.cnames = answer.cnames;
  if (answer.authenticated) fact.authenticated = true;
  if (answer.source === 'zone-file') fact.fromZoneFile = true;
  return fact;
}

export const pickAddress = (r: DnsRecord): string | null => (r.type === 'A' || r.type === 'AAAA' ? r.address : null);
export const pickTarget = (r: DnsRecord): string | null => (r.type === 'CNAME' || r.type === 'PTR' || r.type === 'NS' ? r.target : null);
export const pickText = (r: DnsRecord): string[] | null => (r.type === 'TXT' || r.type === 'SPF' ? r.strings : null);
