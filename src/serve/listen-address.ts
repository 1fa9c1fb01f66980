// `serve --listen <host:port>`: where the loopback server listens. An IP address (IPv6 bare or
// in brackets) or "localhost", and a port (0: any free port, the one chosen is printed).
import net from 'node:net';
import { parseHostPort } from '../cli/host-port.ts';
import { UsageError } from '../cli/usage-error.ts';

export function parseListenAddress(spec: string, defaultPort: number): { host: string; port: number } {
  const { host, port } = parseHostPort(spec, '--listen', defaultPort, 0);
  if (!net.isIP(host) && host.toLowerCase() !== 'localhost') throw new UsageError(`--listen "${spec}": give an IP address to listen on (such as 127.0.0.1 or ::1)`);
  return { host: host.toLowerCase() === 'localhost' ? '127.0.0.1' : host, port };
}
