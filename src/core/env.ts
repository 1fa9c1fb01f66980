// Building the real environment from user-level settings: resolvers, timeouts, --connect-to.
// Tests and the demo use the same function with loopback addresses.
import { systemClock, type Clock } from '../net/clock.ts';
import { NetDialer, parseConnectTo, type Dialer } from '../net/dial.ts';
import { StubResolver, type DnsLogEntry } from '../net/dns/resolver.ts';
import { parseResolverSpec, systemNameServers } from '../net/dns/servers.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { ZoneOverlayResolver, type OverlayZone } from '../net/dns/zone-overlay.ts';
import { ProbeCache } from '../probe/probe-cache.ts';
import { DEFAULT_OPTIONS, type AuditEnv } from './context.ts';
import { deadlineDialer } from './deadline.ts';

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
  /** SMTP probe connections open at once over the whole run (--smtp-concurrency, default 8) */
  smtpConcurrency?: number;
  /** the whole run's time budget from now, ms (--deadline): then every wait ends and unfinished facts are `error` */
  deadlineMs?: number;
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
  // AbortSignal.timeout's timer does not keep the process alive: a run that finished early exits.
  const deadline = settings.deadlineMs !== undefined ? AbortSignal.timeout(settings.deadlineMs) : undefined;
  const stub = new StubResolver({
    servers,
    timeoutMs: settings.dnsTimeoutMs,
    tries: settings.dnsTries,
    log: debug ? (entry) => debug(formatDnsLog(entry)) : undefined,
    signal: deadline,
  });
  const resolver: DnsResolver = settings.zones && settings.zones.length > 0
    ? new ZoneOverlayResolver(stub, settings.zones, { log: debug ? (entry) => debug(formatDnsLog(entry)) : undefined })
    : stub;
  const dialer: Dialer = new NetDialer((settings.connectTo ?? []).map(parseConnectTo), { sourceAddress: settings.sourceAddress ?? null });
  return {
    resolver,
    dialer: deadline ? deadlineDialer(dialer, deadline) : dialer,
    clock: settings.clock ?? systemClock,
    debug,
    probes: new ProbeCache(settings.smtpConcurrency ?? DEFAULT_OPTIONS.smtpConcurrency),
    deadline,
  };
}

/** What the offline environment says when something asks it for the network. */
export class OfflineError extends Error {
  override name = 'OfflineError';
}

/**
 * The environment of `--facts`: saved facts are judged again with no network at all. Its
 * resolver and dialer refuse every request without making a socket, so a code path that would
 * reach the network fails loudly (the fact ends `error`) instead of quietly going online.
 */
export function createOfflineEnv(settings: Pick<EnvSettings, 'clock' | 'debug'> = {}): AuditEnv {
  const refuse = (what: string) => Promise.reject(new OfflineError(`${what}: no network with --facts (saved facts only)`));
  return {
    resolver: {
      query: (name, type) => refuse(`DNS ${type} ${name}`),
      resolve: (name, type) => refuse(`DNS ${type} ${name}`),
    },
    dialer: {
      dial: (request) => refuse(`connect to ${request.host}:${request.port}`),
      destination: (request) => ({ host: request.host, port: request.port }),
    },
    clock: settings.clock ?? systemClock,
    debug: settings.debug,
    probes: new ProbeCache(1),
  };
}
