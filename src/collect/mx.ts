// MX facts. Wire steps:
// 1. MX <domain>;
// 2. with MX records: A and AAAA of every exchange (RFC 5321 5.1), keeping the CNAME chain
//    the resolver followed (an exchange that is an alias is itself a finding);
//    a single "0 ." record is a null MX (RFC 7505) and nothing more is asked;
// 3. with no MX (NODATA): A and AAAA of the domain itself, the implicit MX of RFC 5321 5.1.
// It does not judge anything, and it does not connect anywhere.
import net from 'node:net';
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { lookupFact, pickAddress } from '../net/dns/lookup-fact.ts';
import type { DnsResolver } from '../net/dns/types.ts';

export interface MxHostFacts {
  name: string;
  priority: number;
  /** the exchange is written as an IP address (or [address]) rather than a host name */
  ipLiteral: boolean;
  a: LookupFact<string>;
  aaaa: LookupFact<string>;
}

export interface MxFacts {
  domain: string;
  mx: LookupFact<{ priority: number; exchange: string }>;
  /** mx: published MX; null-mx: RFC 7505; implicit: no MX, A/AAAA used; none: no mail route; unknown: lookups failed */
  kind: 'mx' | 'null-mx' | 'implicit' | 'none' | 'unknown';
  hosts: MxHostFacts[];
}

declare module '../core/facts.ts' {
  interface FactMap { mx: MxFacts }
}

async function hostFacts(resolver: DnsResolver, name: string, priority: number): Promise<MxHostFacts> {
  const literal = name.replace(/^\[|\]$/g, '');
  const ipLiteral = net.isIP(literal) !== 0;
  const [a, aaaa] = await Promise.all([resolver.query(name, 'A'), resolver.query(name, 'AAAA')]);
  return { name, priority, ipLiteral, a: lookupFact(a, pickAddress), aaaa: lookupFact(aaaa, pickAddress) };
}

export function isNullMx(records: Array<{ priority: number; exchange: string }>): boolean {
  return records.some((r) => r.exchange === '' || r.exchange === '.');
}

/** Every distinct address of every MX host, in MX preference order. */
export function mxAddresses(facts: MxFacts): Array<{ address: string; family: 4 | 6; hosts: string[] }> {
  const byAddress = new Map<string, { address: string; family: 4 | 6; hosts: string[] }>();
  const hosts = [...facts.hosts].sort((x, y) => x.priority - y.priority);
  for (const host of hosts) {
    for (const [lookup, family] of [[host.a, 4], [host.aaaa, 6]] as const) {
      for (const address of lookup.values) {
        const entry = byAddress.get(address) ?? { address, family, hosts: [] };
        if (!entry.hosts.includes(host.name)) entry.hosts.push(host.name);
        byAddress.set(address, entry);
      }
    }
  }
  return [...byAddress.values()];
}

export const mxCollector = defineCollector({
  key: 'mx',
  async collect({ target, env }): Promise<MxFacts> {
    if (target.kind !== 'domain') throw new Error('MX facts need a domain target');
    const domain = target.domain;
    const answer = await env.resolver.query(domain, 'MX');
    const mx = lookupFact(answer, (r) => (r.type === 'MX' ? r.data : null));
    if (answer.outcome === 'ok') {
      if (isNullMx(mx.values)) return { domain, mx, kind: 'null-mx', hosts: [] };
      const hosts = await Promise.all(mx.values.map((r) => hostFacts(env.resolver, r.exchange, r.priority)));
      return { domain, mx, kind: 'mx', hosts };
    }
    if (answer.outcome === 'nodata') {
      const implicit = await hostFacts(env.resolver, domain, 0);
      const hasAddress = implicit.a.values.length + implicit.aaaa.values.length > 0;
      const failed = implicit.a.outcome === 'error' || implicit.aaaa.outcome === 'error';
      return { domain, mx, kind: hasAddress ? 'implicit' : failed ? 'unknown' : 'none', hosts: hasAddress || failed ? [implicit] : [] };
    }
    if (answer.outcome === 'nxdomain') return { domain, mx, kind: 'none', hosts: [] };
    return { domain, mx, kind: 'unknown', hosts: [] };
  },
});
