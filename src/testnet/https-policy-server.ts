// A loopback HTTPS server that serves MTA-STS policies (RFC 8461 3.3) for the tests and for
// `smtp-audit demo`. One server answers for many policy hosts: the TLS certificate is picked by
// SNI and the answer by the Host header, from a route table. Each route can misbehave the ways
// a real policy host does (a redirect, a wrong Content-Type, a huge body, silence, a
// certificate for another name or from an unknown CA), so every outcome of the policy fetch can
// be produced without leaving the machine. The certificates are the fixed test set in
// fixtures/certs-https/ (see its README), signed by a test CA that nothing trusts by default.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import { FIXTURES_DIR } from './paths.ts';

export const HTTPS_CERTS_DIR = `${FIXTURES_DIR}certs-https/`;

export type FixtureCertificate = 'policy-host' | 'wrong-name' | 'self-signed';

export interface PolicyRoute {
  /** HTTP status, default 200 */
  status?: number;
  /** Content-Type header; default "text/plain"; null sends none */
  contentType?: string | null;
  body?: string;
  headers?: Record<string, string>;
  /** accept the request and never answer */
  hang?: boolean;
  /** the certificate presented for this host (by SNI); default policy-host */
  certificate?: FixtureCertificate;
}

export interface HttpsPolicyServerOptions {
  /** policy host name (mta-sts.<domain>) -> how to answer */
  routes: Record<string, PolicyRoute>;
  host?: string;
  port?: number;
  /** certificates to present instead of the committed test set (the demo makes its own at start-up) */
  certificates?: Partial<Record<FixtureCertificate, { key: string; cert: string }>>;
}

export interface PolicyRequestLogEntry { servername: string | null; host: string | null; path: string }

/** The test CA that signed policy-host.pem and wrong-name.pem, as PEM. */
export function fixtureCaPem(): string {
  return readFileSync(`${HTTPS_CERTS_DIR}ca.pem`, 'utf8');
}

export function fixtureCaPath(): string {
  return `${HTTPS_CERTS_DIR}ca.pem`;
}

function certificatePair(name: FixtureCertificate): { key: string; cert: string } {
  return {
    key: readFileSync(`${HTTPS_CERTS_DIR}${name}.key`, 'utf8'),
    cert: readFileSync(`${HTTPS_CERTS_DIR}${name}.pem`, 'utf8'),
  };
}

export class HttpsPolicyServer {
  readonly requests: PolicyRequestLogEntry[] = [];
  private readonly options: HttpsPolicyServerOptions;
  private server: https.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  host = '127.0.0.1';
  port = 0;

  constructor(options: HttpsPolicyServerOptions) {
    this.options = options;
  }

  /** host:port, for --connect-to mta-sts.<domain>:443=<address> */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** `mta-sts.<domain>:443=127.0.0.1:<port>` for every routed host */
  connectTo(): string[] {
    return Object.keys(this.options.routes).map((name) => `${name}:443=${this.address}`);
  }

  async start(): Promise<this> {
    this.host = this.options.host ?? '127.0.0.1';
    const contexts = new Map<FixtureCertificate, tls.SecureContext>();
    const pairFor = (name: FixtureCertificate) => this.options.certificates?.[name] ?? certificatePair(name);
    const contextFor = (name: FixtureCertificate): tls.SecureContext => {
      let context = contexts.get(name);
      if (!context) {
        context = tls.createSecureContext(pairFor(name));
        contexts.set(name, context);
      }
      return context;
    };
    const server = https.createServer({
      ...pairFor('policy-host'),
      SNICallback: (servername, callback) => {
        const route = this.options.routes[servername.toLowerCase()];
        callback(null, contextFor(route?.certificate ?? 'policy-host'));
      },
    }, (req, res) => {
      const servername = (req.socket as tls.TLSSocket).servername || null;
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase() || null;
      this.requests.push({ servername, host, path: req.url ?? '' });
      const route = host ? this.options.routes[host] : undefined;
      if (!route || req.url !== '/.well-known/mta-sts.txt') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      if (route.hang) return;
      const headers: Record<string, string> = { ...route.headers };
      const contentType = route.contentType === undefined ? 'text/plain' : route.contentType;
      if (contentType !== null) headers['Content-Type'] = contentType;
      res.writeHead(route.status ?? 200, headers).end(route.body ?? '');
    });
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Handshakes the client aborts (a certificate it rejects) are expected, not errors.
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startHttpsPolicyServer(options: HttpsPolicyServerOptions): Promise<HttpsPolicyServer> {
  return new HttpsPolicyServer(options).start();
}
