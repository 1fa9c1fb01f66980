// Builders for facts, so checks can be tested without any DNS.
import type { LookupFact } from '../../src/core/facts.ts';
import type { MxFacts, MxHostFacts } from '../../src/collect/mx.ts';
import type { PtrAddressFacts, PtrFacts } from '../../src/collect/ptr.ts';

export const ok = <T>(...values: T[]): LookupFact<T> => ({ outcome: 'ok', values });
export const nx = <T>(): LookupFact<T> => ({ outcome: 'nxdomain', values: [] });
export const nodata = <T>(): LookupFact<T> => ({ outcome: 'nodata', values: [] });
export const failed = <T>(error = 'ETIMEOUT: no answer within 3000 ms'): LookupFact<T> => ({ outcome: 'error', values: [], error });

export function host(name: string, v4: LookupFact<string>, v6: LookupFact<string> = nodata(), extra: Partial<MxHostFacts> = {}): MxHostFacts {
  return { name, priority: 10, ipLiteral: false, a: v4, aaaa: v6, ...extra };
}

export function mxFacts(kind: MxFacts['kind'], hosts: MxHostFacts[] = [], mx?: MxFacts['mx']): MxFacts {
  return {
    domain: 'example.com',
    kind,
    hosts,
    mx: mx ?? (kind === 'mx' ? ok(...hosts.map((h) => ({ priority: h.priority, exchange: h.name }))) : nodata()),
  };
}

export function ptrEntry(address: string, ptr: LookupFact<string>, forward: Record<string, LookupFact<string>> = {}): PtrAddressFacts {
  return { address, family: address.includes(':') ? 6 : 4, hosts: ['mx.example.com'], ptr, forward };
}

export function ptrFacts(addresses: PtrAddressFacts[], mxKind: PtrFacts['mxKind'] = 'mx'): PtrFacts {
  return { source: 'mx', mxKind, addresses };
}
