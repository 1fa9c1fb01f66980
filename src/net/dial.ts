// The socket seam. Every TCP connection the audit makes goes through a Dialer, so tests
// and users (--connect-to host:port=ip:port, like curl's --connect-to) can send a probe
// for mx.example.com:25 to a fixture MTA on 127.0.0.1:40125 without touching DNS.
import net from 'node:net';

export interface DialRequest {
  /** the address we mean to reach (an IP from DNS) */
  host: string;
  port: number;
  /** the host name it belongs to, if any (MX name), also matched against --connect-to */
  hostname?: string;
  timeoutMs: number;
}

export interface Dialer {
  /** Resolves with a connected socket, or rejects with an error whose code is ECONNREFUSED, ETIMEDOUT, ... */
  dial(request: DialRequest): Promise<net.Socket>;
  /** where a request would really go (after --connect-to), for transcripts */
  destination(request: Pick<DialRequest, 'host' | 'port' | 'hostname'>): { host: string; port: number };
}

export interface ConnectToRule { fromHost: string; fromPort: number | null; toHost: string; toPort: number | null }

function splitHostPort(text: string, spec: string): { host: string; port: number | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!.toLowerCase(), port: bracketed[2] ? Number(bracketed[2]) : null };
  const idx = text.lastIndexOf(':');
  if (idx < 0) return { host: text.toLowerCase(), port: null };
  const portText = text.slice(idx + 1);
  if (portText !== '' && !/^\d+$/.test(portText)) throw new Error(`--connect-to "${spec}": bad port "${portText}"`);
  return { host: text.slice(0, idx).toLowerCase(), port: portText === '' ? null : Number(portText) };
}

/** `host:port=ip:port`; either port may be empty (any / unchanged). IPv6 in brackets. */
export function parseConnectTo(spec: string): ConnectToRule {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new Error(`--connect-to "${spec}" must look like host:port=ip:port`);
  const from = splitHostPort(spec.slice(0, eq), spec);
  const to = splitHostPort(spec.slice(eq + 1), spec);
  for (const p of [from.port, to.port]) {
    if (p !== null && (p < 1 || p > 65535)) throw new Error(`--connect-to "${spec}": port out of range`);
  }
  if (!to.host) throw new Error(`--connect-to "${spec}" has no destination host`);
  return { fromHost: from.host.replace(/\.$/, ''), fromPort: from.port, toHost: to.host, toPort: to.port };
}

export interface DialerSettings {
  /**
   * The local address outgoing connections start from (--source-address), like swaks'
   * --local-interface: on a host with several addresses, the one whose reputation and
   * reverse DNS the servers should see. Used for destinations of its own address family.
   */
  sourceAddress?: string | null;
}

export class NetDialer implements Dialer {
  private readonly rules: ConnectToRule[];
  private readonly sourceAddress: string | null;

  constructor(rules: ConnectToRule[] = [], settings: DialerSettings = {}) {
    this.rules = rules;
    this.sourceAddress = settings.sourceAddress ?? null;
  }

  destination(request: Pick<DialRequest, 'host' | 'port' | 'hostname'>): { host: string; port: number } {
    const names = [request.host.toLowerCase(), request.hostname?.toLowerCase().replace(/\.$/, '')].filter(Boolean);
    for (const name of names) {
      const rule = this.rules.find((r) => r.fromHost === name && (r.fromPort === null || r.fromPort === request.port));
      if (rule) return { host: rule.toHost, port: rule.toPort ?? request.port };
    }
    return { host: request.host, port: request.port };
  }

  dial(request: DialRequest): Promise<net.Socket> {
    const target = this.destination(request);
    return new Promise((resolve, reject) => {
      const local = this.sourceAddress !== null && net.isIP(this.sourceAddress) === net.isIP(target.host) ? { localAddress: this.sourceAddress } : {};
      const socket = net.connect({ host: target.host, port: target.port, ...local });
      const timer = setTimeout(() => {
        socket.destroy();
        const error = new Error(`connect to ${target.host}:${target.port} timed out after ${request.timeoutMs} ms`) as NodeJS.ErrnoException;
        error.code = 'ETIMEDOUT';
        reject(error);
      }, request.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      });
    });
  }
}
