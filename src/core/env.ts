// Building the real environment from user-level settings: resolvers, timeouts, --connect-to.
// Tests and the demo use the same function with loopback addresses.
import { systemClock, type Clock } from '../net/clock.ts';
import { NetDialer, parseConnectTo } from '../net/dial.ts';
import { StubResolver, type DnsLogEntry } from '../net/dns/resolver.ts';
import { parseResolverSpec, systemNameServers } from '../net/dns/servers.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { ZoneOverlayResolver, type OverlayZone } from '../net/dns/zone-overlay.ts';
import type { AuditEnv } from './context.ts';

export interface EnvSettings {
  /** ip[:port] specs; empty: the system's resolvers */
  resolvers?: string[];
  /** per DNS attempt, ms */
  dnsTimeoutMs?: number;
  dnsTries?: number;
  /** host:port=ip:port */
  connectTo?: string[];
  /** local address outgoing SMTP/HTTPS connections start from (--source-address) */
  sourceAddress?: string | null;
  clock?: Clock;
  /** receives one line per DNS query and other diagnostics (--verbose) */
  debug?: (line: string) => void;
  /** --zone files (readZoneFile): authoritative for the names they cover, ahead of DNS */
  zones?: OverlayZone[];
}

export function formatDnsLog(entry: DnsLogEntry): string {
  const result = entry.outcome === 'ok' ? `${entry.count} record${entry.count === 1 ? '' : 's'}` : (entry.error ?? entry.outcome);
  const via = entry.cached ? 'cache' : `${entry.server ?? '-'}${entry.protocol ? ` ${entry.protocol}` : ''}`;
  return `dns ${entry.type.padEnd(5)} ${entry.name} -> ${entry.rcode ?? 'no response'} ${result} ${entry.ms}ms (${via})`;
}

export function createAuditEnv(settings: EnvSettings = {}): AuditEnv {
  const servers = settings.resolvers && settings.resolvers.length > 0
    ? settings.resolvers.map(parseResolverSpec)
    : systemNameServers();
  const debug = settings.debug;
  const stub = new StubResolver({
    servers,
    timeoutMs: settings.dnsTimeoutMs,
    tries: settings.dnsTries,
    log: debug ? (entry) => debug(formatDnsLog(entry)) : undefined,
  });
  const resolver: DnsResolver = settings.zones && settings.zones.length > 0
    ? new ZoneOverlayResolver(stub, settings.zones, { log: debug ? (entry) => debug(formatDnsLog(entry)) : undefined })
    : stub;
  return {
    resolver,
    dialer: new NetDialer((settings.connectTo ?? []).map(parseConnectTo), { sourceAddress: settings.sourceAddress ?? null }),
    clock: settings.clock ?? systemClock,
    debug,
  };
}
