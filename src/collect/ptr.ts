// Reverse DNS facts for every address of every MX host (or the one IP target). Wire steps:
// 1. PTR of the address (in-addr.arpa / ip6.arpa, RFC 1035 3.5, RFC 3596 2.5);
// 2. A or AAAA (same family) of every PTR name, to confirm the name points back (FCrDNS,
//    the "iprev" method of RFC 8601 3).
// MX lookup failures are not repeated here: the addresses come from the mx facts.
import net from 'node:net';
import { defineCollector } from '../core/collector.ts';
import type { LookupFact } from '../core/facts.ts';
import { lookupFact, pickAddress, pickTarget } from '../net/dns/lookup-fact.ts';
import { mxAddresses, type MxFacts } from './mx.ts';

export interface PtrAddressFacts {
  address: string;
  family: 4 | 6;
  /** MX host names that resolve to this address */
  hosts: string[];
  ptr: LookupFact<string>;
  /** forward lookups of each PTR name, same address family */
  forward: Record<string, LookupFact<string>>;
}

export interface PtrFacts {
  /** where the addresses came from: the MX hosts (with the MX kind, so checks know why there are none) or the IP target */
  source: 'mx' | 'target';
  mxKind: MxFacts['kind'] | null;
  addresses: PtrAddressFacts[];
}

declare module '../core/facts.ts' {
  interface FactMap { ptr: PtrFacts }
}

/** The reverse-lookup name of an address: 4.3.2.1.in-addr.arpa or 32 nibbles under ip6.arpa. */
export function reverseName(address: string): string {
  if (net.isIPv4(address)) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${expandIpv6(address).replace(/:/g, '').split('').reverse().join('.')}.ip6.arpa`;
}

/** Same address, whatever the text form (IPv6 compression, case). */
export function sameAddress(a: string, b: string): boolean {
  if (net.isIPv6(a) && net.isIPv6(b)) return expandIpv6(a) === expandIpv6(b);
  return a === b;
}

export function expandIpv6(address: string): string {
  let text = address.toLowerCase();
  // an embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(tail !== undefined ? missing : 0).fill('0'), ...tailGroups];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

export const ptrCollector = defineCollector({
  key: 'ptr',
  async collect({ target, env, need }): Promise<PtrFacts> {
    const mx = target.kind === 'domain' ? await need('mx') : null;
    const addresses = target.kind === 'ip'
      ? [{ address: target.ip, family: (net.isIPv6(target.ip) ? 6 : 4) as 4 | 6, hosts: [] as string[] }]
      : mxAddresses(mx!);
    const results = await Promise.all(addresses.map(async ({ address, family, hosts }): Promise<PtrAddressFacts> => {
      const ptr = lookupFact(await env.resolver.query(reverseName(address), 'PTR'), pickTarget);
      const forwardEntries = await Promise.all(ptr.values.map(async (name) => {
        const answer = await env.resolver.query(name, family === 4 ? 'A' : 'AAAA');
        return [name, lookupFact(answer, pickAddress)] as const;
      }));
      return { address, family, hosts, ptr, forward: Object.fromEntries(forwardEntries) };
    }));
    return { source: mx ? 'mx' : 'target', mxKind: mx ? mx.kind : null, addresses: results };
  },
});
