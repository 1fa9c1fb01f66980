// Name-server addresses: `--resolver ip[:port]` (IPv4, IPv6 as [addr]:port or bare), or the
// system's resolvers as Node reads them from /etc/resolv.conf.
import dns from 'node:dns';
import net from 'node:net';
import type { NameServer } from './transport.ts';

export function parseResolverSpec(spec: string): NameServer {
  const text = spec.trim();
  let host = text;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (net.isIPv6(text)) {
    host = text;
  } else {
    const withPort = /^([^:]+):(\d+)$/.exec(text);
    if (withPort) {
      host = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  if (!net.isIP(host)) throw new Error(`--resolver "${spec}" is not an IP address (use ip, ip:port or [ipv6]:port)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--resolver "${spec}" has an invalid port`);
  return { host, port };
}

export function systemNameServers(): NameServer[] {
  return dns.getServers().map((entry) => parseResolverSpec(entry));
}
