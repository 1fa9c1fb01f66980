// `serve --listen <host:port>`: where the loopback server listens. An IP address (IPv6 bare or
// in brackets) or "localhost", and a port (0: any free port, the one chosen is printed).
import net from 'node:net';
import { UsageError } from '../cli/usage-error.ts';

export function parseListenAddress(spec: string, defaultPort: number): { host: string; port: number } {
  const text = spec.trim();
  let host = text;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (!net.isIPv6(text)) {
    const m = /^([^:]*):(\d+)$/.exec(text);
    if (m) {
      host = m[1]!;
      port = Number(m[2]);
    } else if (text.includes(':')) {
      throw new UsageError(`--listen "${spec}" must be host or host:port`);
    }
  }
  if (!net.isIP(host) && host.toLowerCase() !== 'localhost') throw new UsageError(`--listen "${spec}": give an IP address to listen on (such as 127.0.0.1 or ::1)`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen "${spec}": the port must be between 0 and 65535`);
  return { host: host.toLowerCase() === 'localhost' ? '127.0.0.1' : host, port };
}
