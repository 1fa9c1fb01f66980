// DANE facts: the TLSA records of every MX host. Wire steps:
// 1. the MX host names from the mx facts;
// 2. TLSA _<port>._tcp.<mx host> (RFC 7672 section 2.2.3 and RFC 6698 section 3), keeping
//    whether the answer was DNSSEC-authenticated (the AD flag, RFC 4035 section 3.2.3): DANE
//    applies only to validated records (RFC 7672 section 2.2).
// It does not match records against certificates (the dane/tlsa check does, over the smtp
// facts), does not validate DNSSEC itself, and asks nothing for a null MX or an IP target.
import { defineCollector } from '../core/collector.ts';
import { describeLookupError, type LookupFact } from '../core/facts.ts';
import { lookupFact } from '../net/dns/lookup-fact.ts';
import type { TlsaData } from '../net/dns/types.ts';

export interface DaneHostFacts {
  host: string;
  /** the TLSA owner name asked */
  name: string;
  tlsa: LookupFact<TlsaData>;
  /** the AD flag of the TLSA answer */
  authenticated: boolean;
}

export interface DaneFacts {
  port: number;
  /** why no host was looked up (null MX, no MX...), or null */
  skipped: string | null;
  /** the MX hosts could not be learnt (the MX lookup failed), so no TLSA name is known: why, or absent */
  mxUnknown?: string;
  hosts: DaneHostFacts[];
}

declare module '../core/facts.ts' {
  interface FactMap { dane: DaneFacts }
}

export function tlsaName(host: string, port: number): string {
  return `_${port}._tcp.${host.replace(/\.$/, '')}`;
}

export const daneCollector = defineCollector({
  key: 'dane',
  async collect({ target, env, options, need }): Promise<DaneFacts> {
    const port = options.port;
    if (target.kind !== 'domain') return { port, skipped: 'DANE for SMTP is published per MX host name; an IP target has none', hosts: [] };
    const mx = await need('mx');
    if (mx.kind === 'null-mx') return { port, skipped: 'the domain publishes a null MX', hosts: [] };
    if (mx.kind === 'none') return { port, skipped: 'the domain has no mail route', hosts: [] };
    if (mx.kind === 'unknown') {
      // The MX (or implicit MX address) lookup failed: which hosts would carry TLSA records is
      // not known, so nothing can be said about DANE (an empty host list is not "no TLSA").
      const why = mx.mx.outcome === 'error' ? `MX lookup of ${mx.domain} failed: ${describeLookupError(mx.mx)}` : `the address lookups of ${mx.domain} failed`;
      return { port, skipped: null, mxUnknown: why, hosts: [] };
    }
    const names = [...new Set(mx.hosts.filter((h) => !h.ipLiteral).map((h) => h.name.replace(/\.$/, '').toLowerCase()))];
    const hosts = await Promise.all(names.map(async (host): Promise<DaneHostFacts> => {
      const name = tlsaName(host, port);
      const answer = await env.resolver.query(name, 'TLSA');
      return { host, name, tlsa: lookupFact(answer, (r) => (r.type === 'TLSA' ? r.data : null)), authenticated: answer.authenticated };
    }));
    return { port, skipped: null, hosts };
  },
});
