// Preloaded into every test process (npm test: node --import ./test/support/guard.ts).
// Tests may only talk to loopback: 127.0.0.0/8 and ::1. Any attempt to reach another
// address (TCP, UDP, or a host-name lookup that would ask the system resolver) throws,
// so an accidental real-DNS or real-SMTP dependency fails loudly instead of leaking.
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (net.isIPv4(a)) return a.startsWith('127.');
  if (a.startsWith('::ffff:')) return isLoopback(a.slice(7));
  if (net.isIPv6(a)) return a === '::1' || a === '0:0:0:0:0:0:0:1';
  return a === 'localhost';
}

function refuse(what: string, target: string): never {
  throw new Error(`test network guard: ${what} to ${target} refused (tests may only reach 127.0.0.0/8 and ::1)`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  let host: string | undefined;
  let path: string | undefined;
  if (Array.isArray(first)) {
    // internal normalized form: [options, callback]
    const options = first[0] as { host?: string; path?: string } | undefined;
    host = options?.host;
    path = options?.path;
  } else if (first && typeof first === 'object') {
    host = (first as { host?: string }).host;
    path = (first as { path?: string }).path;
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    host = typeof args[1] === 'string' ? (args[1] as string) : 'localhost';
  } else if (typeof first === 'string') {
    path = first;
  }
  if (!path && !isLoopback(host ?? 'localhost')) refuse('TCP connection', String(host));
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
  // send(msg, [offset, length,] port, address, callback) — the address is the first string argument after the message
  const address = args.slice(1).find((a) => typeof a === 'string') as string | undefined;
  if (address !== undefined && !isLoopback(address)) refuse('UDP datagram', address);
  return (originalSend as (...a: unknown[]) => void).apply(this, args);
} as typeof dgram.Socket.prototype.send;

const originalDgramConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function guardedDgramConnect(this: dgram.Socket, ...args: unknown[]) {
  const address = typeof args[1] === 'string' ? args[1] : 'localhost';
  if (!isLoopback(address)) refuse('UDP connect', address);
  return (originalDgramConnect as (...a: unknown[]) => void).apply(this, args);
} as typeof dgram.Socket.prototype.connect;

// Host-name lookups through the system resolver: only loopback names and literals.
const originalLookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (!isLoopback(hostname)) refuse('DNS lookup', hostname);
  return (originalLookup as (...a: unknown[]) => void).call(dns, hostname, ...rest);
};
const originalPromisesLookup = dns.promises.lookup;
(dns.promises as { lookup: unknown }).lookup = function guardedPromisesLookup(hostname: string, ...rest: unknown[]) {
  if (!isLoopback(hostname)) refuse('DNS lookup', hostname);
  return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
};

// c-ares resolvers: only when every configured server is on loopback.
for (const proto of [dns.Resolver.prototype, dns.promises.Resolver.prototype] as unknown as Array<Record<string, unknown>>) {
  for (const method of Object.getOwnPropertyNames(proto)) {
    if (!/^resolve|^reverse$/.test(method)) continue;
    const original = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function guardedResolve(this: { getServers(): string[] }, ...args: unknown[]) {
      const servers = this.getServers();
      const outside = servers.find((s) => !isLoopback(s.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')));
      if (outside) refuse('DNS query', outside);
      return original.apply(this, args);
    };
  }
}
for (const method of Object.keys(dns.promises).filter((m) => /^resolve|^reverse$/.test(m))) {
  (dns.promises as unknown as Record<string, unknown>)[method] = () => refuse('DNS query (system resolver)', method);
}
