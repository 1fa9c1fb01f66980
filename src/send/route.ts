// Where a test send goes: the --server given, or, per recipient domain, that domain's MX hosts
// in preference order (RFC 5321 section 5.1), found through our resolver (so --resolver points
// it at any DNS, the fixture DNS in tests). No MX but an address record is an implicit MX; a
// null MX (RFC 7505) or a domain that does not exist means the mail cannot be delivered.
//
// A host name that --connect-to maps elsewhere is not looked up at all (as with curl's
// --connect-to): the rule says where to connect, so a server that is not in DNS yet, or a
// private name, can be tested. The name still goes to the server as SNI and is the name the
// certificate must cover.
import net from 'node:net';
import type { Dialer } from '../net/dial.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import type { Destination } from './smtp-delivery.ts';

export interface Route {
  /** how the destinations were found */
  via: 'server' | 'mx' | 'implicit-mx' | 'loopback';
  /** the recipient domain for MX routes */
  domain: string | null;
  recipients: string[];
  /** addresses to try, in order */
  candidates: Destination[];
  /** why there is nowhere to go; kind as for session failures */
  problem: { kind: 'rejected' | 'network'; code: string; message: string } | null;
}

async function addressesOf(resolver: DnsResolver, host: string): Promise<{ addresses: string[]; error: string | null }> {
  const [a, aaaa] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
  const addresses: string[] = [];
  for (const answer of [a, aaaa]) {
    for (const record of answer.records) if (record.type === 'A' || record.type === 'AAAA') addresses.push(record.address);
  }
  const failed = [a, aaaa].find((x) => x.outcome === 'error');
  return { addresses, error: addresses.length === 0 && failed ? failed.error ?? 'error' : null };
}

/** Whether --connect-to sends connections for this name and port elsewhere. */
function mapped(dialer: Dialer, host: string, port: number): boolean {
  const target = dialer.destination({ host, port, hostname: host });
  return target.host.toLowerCase() !== host.toLowerCase() || target.port !== port;
}

/** `--server host[:port]`: an address is dialled as is; a name is resolved through our resolver unless --connect-to maps it. */
export async function routeToServer(host: string, port: number, recipients: string[], resolver: DnsResolver, dialer: Dialer): Promise<Route> {
  const route: Route = { via: 'server', domain: null, recipients, candidates: [], problem: null };
  if (!net.isIP(host) && mapped(dialer, host, port)) {
    route.candidates.push({ host, port, hostname: host });
  } else if (net.isIP(host)) {
    route.candidates.push({ host, port, hostname: null });
  } else if (host.toLowerCase() === 'localhost') {
    route.candidates.push({ host: '127.0.0.1', port, hostname: 'localhost' });
  } else {
    const { addresses, error } = await addressesOf(resolver, host);
    if (addresses.length === 0) {
      route.problem = error
        ? { kind: 'network', code: error, message: `cannot resolve --server ${host}: ${error}` }
        : { kind: 'network', code: 'ENOTFOUND', message: `--server ${host} has no A or AAAA record` };
    }
    for (const address of addresses) route.candidates.push({ host: address, port, hostname: host });
  }
  return route;
}

export async function routeByMx(domain: string, port: number, recipients: string[], resolver: DnsResolver, dialer: Dialer): Promise<Route> {
  const route: Route = { via: 'mx', domain, recipients, candidates: [], problem: null };
  const mx = await resolver.query(domain, 'MX');
  let hosts: string[];
  if (mx.outcome === 'ok') {
    const records = mx.records.flatMap((r) => (r.type === 'MX' ? [r.data] : []));
    if (records.some((r) => r.exchange === '' || r.exchange === '.')) {
      route.problem = { kind: 'rejected', code: 'ENULLMX', message: `${domain} publishes a null MX (RFC 7505): it accepts no mail` };
      return route;
    }
    hosts = [...records].sort((x, y) => x.priority - y.priority).map((r) => r.exchange);
  } else if (mx.outcome === 'nodata') {
    route.via = 'implicit-mx';
    hosts = [domain];
  } else if (mx.outcome === 'nxdomain') {
    route.problem = { kind: 'rejected', code: 'ENOTFOUND', message: `${domain} does not exist (NXDOMAIN): mail to it cannot be delivered` };
    return route;
  } else {
    route.problem = { kind: 'network', code: mx.error ?? 'EDNS', message: `MX lookup for ${domain} failed: ${mx.error ?? 'no answer'}` };
    return route;
  }
  const resolved = await Promise.all(hosts.map(async (host) => (mapped(dialer, host, port)
    ? { host, addresses: [host], error: null }
    : { host, ...(await addressesOf(resolver, host)) })));
  for (const r of resolved) for (const address of r.addresses) route.candidates.push({ host: address, port, hostname: r.host });
  if (route.candidates.length === 0) {
    const dnsError = resolved.find((r) => r.error);
    route.problem = dnsError
      ? { kind: 'network', code: dnsError.error!, message: `cannot resolve the mail hosts of ${domain} (${hosts.join(', ')}): ${dnsError.error}` }
      : { kind: 'rejected', code: 'ENOADDRESS', message: `no mail host of ${domain} (${hosts.join(', ')}) has an address record` };
  }
  return route;
}

/** Recipients grouped by their domain (lowercase), in first-seen order. */
export function groupByDomain(recipients: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const rcpt of recipients) {
    const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase();
    groups.set(domain, [...(groups.get(domain) ?? []), rcpt]);
  }
  return groups;
}
