// The loopback SMTP server behind `smtp-audit serve` and `smtp-audit send --loopback`: it
// accepts any message (STARTTLS on offer, AUTH PLAIN/LOGIN with any credentials), verifies it
// on arrival with mailauth through our resolver, keeps it, and puts the verdict words in its
// 250 reply so the sender reads them in its own transcript. It never relays anything and never
// looks anything up outside the resolver it is given (no reverse lookups: disableReverseLookup).
import { randomBytes, X509Certificate } from 'node:crypto';
import net from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../net/clock.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { replyVerdicts, verifyMessage, type AuthVerdict } from './auth-verdict.ts';
import { createSelfSignedCertificate } from './self-signed-cert.ts';

export interface LoopbackServerOptions {
  host: string;
  /** 0: any free port */
  port: number;
  /** greeting name and authserv-id of Authentication-Results */
  serverName: string;
  /** null: generate a self-signed certificate; false: no STARTTLS */
  tls: { cert: string | Buffer; key: string | Buffer } | null | false;
  /** offer AUTH PLAIN and LOGIN (any credentials accepted) */
  auth: boolean;
  /** SIZE limit in bytes (RFC 1870); bigger messages get 552 */
  maxSize: number;
  /** evaluate SPF as if the message came from this address instead of the real peer */
  clientIp: string | null;
  resolver: DnsResolver;
  clock: Clock;
  /** called once per verified message, before the 250 reply goes out */
  onMessage: (message: ReceivedMessage) => Promise<void> | void;
}

export interface ReceivedSession {
  /** the real peer address */
  remoteAddress: string;
  /** the address SPF was evaluated for (--client-ip, or the peer) */
  clientIp: string;
  helo: string | null;
  mailFrom: string;
  rcptTo: string[];
  tls: { protocol: string | null; cipher: string | null } | null;
  /** the user name given with AUTH, if any */
  authUser: string | null;
  /** ESMTP, ESMTPS, ESMTPSA... (RFC 3848) */
  transmission: string;
}

export interface ReceivedMessage {
  id: string;
  receivedAt: string;
  session: ReceivedSession;
  size: number;
  verdict: AuthVerdict;
  /** the final reply text after the 250, as sent: `2.0.0 <id> spf=... dkim=... dmarc=...` */
  reply: string;
  /** the message as stored: our Received and Authentication-Results fields, then the bytes received */
  stored: Buffer;
}

export interface RunningLoopbackServer {
  host: string;
  port: number;
  certificate: { fingerprint256: string; generated: boolean } | null;
  /** stop listening; sessions still open get up to `graceMs` to finish (QUIT) before they are cut */
  stop(graceMs?: number): Promise<void>;
}

/** IPv4-mapped IPv6 peers (dual-stack listeners) are IPv4 clients (RFC 4291 section 2.5.5.2). */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

function messageId(): string {
  return `${Date.now().toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** RFC 5321 section 4.4 trace field, with the TLS details RFC 8314 section 7 suggests. */
function receivedField(id: string, session: ReceivedSession, serverName: string, date: Date): string {
  const from = session.helo ?? `[${session.remoteAddress}]`;
  const literal = net.isIPv6(session.remoteAddress) ? `IPv6:${session.remoteAddress}` : session.remoteAddress;
  const tls = session.tls ? `\r\n\t(version=${session.tls.protocol ?? 'unknown'} cipher=${session.tls.cipher ?? 'unknown'})` : '';
  const rcpt = session.rcptTo.length === 1 ? `\r\n\tfor <${session.rcptTo[0]}>` : '';
  return `Received: from ${from} ([${literal}])\r\n\tby ${serverName} (smtp-audit) with ${session.transmission} id ${id}${tls}${rcpt};\r\n\t${date.toUTCString().replace('GMT', '+0000')}\r\n`;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function sessionOf(session: SMTPServerSession, options: LoopbackServerOptions): ReceivedSession {
  const remoteAddress = normalizeAddress(session.remoteAddress);
  const user = session.user as { username?: string } | undefined;
  return {
    remoteAddress,
    clientIp: options.clientIp ?? remoteAddress,
    helo: typeof session.hostNameAppearsAs === 'string' && session.hostNameAppearsAs ? session.hostNameAppearsAs : null,
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    tls: session.tlsOptions ? { protocol: session.tlsOptions.version ?? null, cipher: session.tlsOptions.name ?? null } : null,
    authUser: user?.username ?? null,
    transmission: session.transmissionType || 'ESMTP',
  };
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<RunningLoopbackServer> {
  let certificate: RunningLoopbackServer['certificate'] = null;
  const serverOptions: SMTPServerOptions = {
    name: options.serverName,
    banner: 'smtp-audit loopback server: accepts anything, relays nothing',
    size: options.maxSize,
    rejectOversized: true,
    // Enhanced status codes stay off (smtp-server would label the final reply 2.6.0); the final
    // reply carries RFC 3463's generic success 2.0.0 itself: "250 2.0.0 <id> spf=... dkim=... dmarc=...".
    hideENHANCEDSTATUSCODES: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    maxAllowedUnauthenticatedCommands: false,
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.tls === false ? ['STARTTLS'] : [])],
    logger: false,
    closeTimeout: 2000,
    onClose() {
      if (server.connections.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    },
    onAuth(auth, _session, callback) {
      // Any credentials: this server is for testing senders, it has nothing to protect.
      callback(null, { user: { username: auth.username ?? '' } });
    },
    onData(stream, session, callback) {
      const finish = async () => {
        const raw = await readAll(stream);
        if (stream.sizeExceeded) return callback(null); // rejectOversized answers 552
        const id = messageId();
        const received = sessionOf(session, options);
        const verdict = await verifyMessage({
          message: raw,
          clientIp: received.clientIp,
          helo: received.helo,
          mailFrom: received.mailFrom,
          authservId: options.serverName,
          resolver: options.resolver,
        });
        const now = options.clock.now();
        const reply = `2.0.0 ${id} ${replyVerdicts(verdict)}`;
        const stored = Buffer.concat([Buffer.from(verdict.headers + receivedField(id, received, options.serverName, now)), raw]);
        await options.onMessage({ id, receivedAt: now.toISOString(), session: received, size: raw.length, verdict, reply, stored });
        callback(null, reply);
      };
      finish().catch((error: unknown) => {
        const failure = new Error(`4.3.0 could not verify the message: ${(error as Error).message ?? String(error)}`.replace(/[\r\n]+/g, ' ')) as Error & { responseCode: number };
        failure.responseCode = 451;
        callback(failure);
      });
    },
  };
  if (options.tls !== false) {
    const pair = options.tls ?? createSelfSignedCertificate(options.serverName, { extraAddresses: net.isIP(options.host) ? [options.host] : [] });
    serverOptions.key = pair.key;
    serverOptions.cert = pair.cert;
    certificate = { fingerprint256: new X509Certificate(pair.cert).fingerprint256, generated: options.tls === null };
  }
  const idleWaiters: Array<() => void> = [];
  const server = new SMTPServer(serverOptions);
  server.on('error', () => { /* per-connection errors (resets, bad TLS) are the client's problem */ });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as net.AddressInfo;
  return {
    host: address.address,
    port: address.port,
    certificate,
    async stop(graceMs = 0) {
      // smtp-server answers every command with 421 once close() has started, so a sender that is
      // still finishing its session (QUIT after the 250) gets the grace period first.
      if (graceMs > 0 && server.connections.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          idleWaiters.push(() => { clearTimeout(timer); resolve(); });
        });
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

