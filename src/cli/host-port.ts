// host[:port] as the command line gives it: a host name or IP address (IPv6 bare, or in
// brackets when a port follows) and an optional port. Shared by send --server and serve --listen.
import net from 'node:net';
import { UsageError } from './usage-error.ts';

export function parseHostPort(spec: string, flag: string, defaultPort: number, minPort = 1): { host: string; port: number } {
  const text = spec.trim();
  let host = text;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (!net.isIPv6(text)) {
    const m = /^([^:]+):(\d+)$/.exec(text);
    if (m) { host = m[1]!; port = Number(m[2]); } else if (text.includes(':')) throw new UsageError(`${flag} "${spec}" must be host or host:port`);
  }
  if (!host || (!net.isIP(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?$/.test(host))) throw new UsageError(`${flag} "${spec}": "${host}" is not a host name or address`);
  if (!Number.isInteger(port) || port < minPort || port > 65535) throw new UsageError(`${flag} "${spec}": the port must be between ${minPort} and 65535`);
  return { host: host.replace(/\.$/, ''), port };
}
