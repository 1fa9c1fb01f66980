// The loopback SMTP server behind `smtp-audit serve` and `smtp-audit send --loopback`: it
// accepts any message (STARTTLS on offer, AUTH PLAIN/LOGIN with any credentials), verifies it
// on arrival with mailauth through our resolver, keeps it, and puts the verdict words in its
// 250 reply so the sender reads them in its own transcript. It never relays anything and never
// looks anything up outside the resolver it is given (no reverse lookups: disableReverseLookup).
//
// One client must not be able to stall or exhaust it: DATA streams to a spool file through the
// message limits (message-spool.ts), verification runs in worker threads with a time budget
// (message-verifier.ts), and the sessions are limited in all and per client address
// (connection-limits.ts). smtp-server is loaded when a server starts, not when this file is.
import { randomBytes, X509Certificate } from 'node:crypto';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { Clock } from '../net/clock.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { replyVerdicts, type AuthVerdict } from './auth-verdict.ts';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP, normalizeAddress, overPerAddressLimit } from './connection-limits.ts';
import { DEFAULT_VERIFY_TIMEOUT_MS } from './limit-options.ts';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './message-limits.ts';
import { createSpoolFolder, spoolMessage } from './message-spool.ts';
import { MessageVerifier } from './message-verifier.ts';
import { createSelfSignedCertificate } from './self-signed-cert.ts';

export { normalizeAddress };

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
  /** the header and line limits (maxSize is the size limit); unset ones take DEFAULT_MESSAGE_LIMITS */
  limits?: Partial<Omit<MessageLimits, 'maxMessageSize'>>;
  /** sessions at once (default 100) */
  maxConnections?: number;
  /** sessions at once from one client address (default 20) */
  maxConnectionsPerIp?: number;
  /** time budget of one message's verification in ms (default 30000); past it: temperror */
  verifyTimeoutMs?: number;
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
  /** the message as stored is these fields (our Authentication-Results, Received-SPF, Received), then the bytes received */
  traceFields: string;
  /** the bytes received; the file exists only until onMessage has returned (store it with message-store.ts) */
  spoolFile: string;
}

export interface RunningLoopbackServer {
  host: string;
  port: number;
  certificate: { fingerprint256: string; generated: boolean } | null;
  /** stop listening; sessions still open get up to `graceMs` to finish (QUIT) before they are cut */
  stop(graceMs?: number): Promise<void>;
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

/** An error smtp-server sends as the reply: `<code> <text>` (text starts with the RFC 3463 code). */
function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text.replace(/[\r\n]+/g, ' ')), { responseCode: code });
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
  const { SMTPServer } = await import('smtp-server');
  const limits: MessageLimits = { ...DEFAULT_MESSAGE_LIMITS, ...options.limits, maxMessageSize: options.maxSize };
  const maxPerIp = options.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP;
  const spool = createSpoolFolder();
  const verifier = new MessageVerifier({ resolver: options.resolver, timeoutMs: options.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS });

  /** The final reply for one DATA: `250 2.0.0 <id> spf=...`, or a 4xx/5xx error. */
  async function receive(stream: AsyncIterable<Buffer>, session: SMTPServerSession): Promise<string> {
    const spooled = await spoolMessage(stream, spool.dir, limits);
    if (spooled.violation) {
      // RFC 5321 section 4.2.3: 552 "exceeded storage allocation"; RFC 3463 5.3.4 "message too big for system"
      throw smtpError(552, `5.3.4 message refused: ${spooled.violation.text}`);
    }
    if (!spooled.file) {
      // RFC 3463 4.3.1 "mail system full": worth trying again later
      throw smtpError(452, `4.3.1 could not keep the message: ${spooled.storageError ?? 'unknown error'}`);
    }
    try {
      const id = messageId();
      const received = sessionOf(session, options);
      const verdict = await verifier.verify({
        source: { file: spooled.file },
        clientIp: received.clientIp,
        helo: received.helo,
        mailFrom: received.mailFrom,
        authservId: options.serverName,
      });
      const now = options.clock.now();
      const reply = `2.0.0 ${id} ${replyVerdicts(verdict)}`;
      const traceFields = verdict.headers + receivedField(id, received, options.serverName, now);
      await options.onMessage({ id, receivedAt: now.toISOString(), session: received, size: spooled.size, verdict, reply, traceFields, spoolFile: spooled.file });
      return reply;
    } finally {
      await rm(spooled.file, { force: true });
    }
  }

  let certificate: RunningLoopbackServer['certificate'] = null;
  const serverOptions: SMTPServerOptions = {
    name: options.serverName,
    banner: 'smtp-audit loopback server: accepts anything, relays nothing',
    // SIZE is advertised (RFC 1870) and a MAIL FROM with a larger SIZE= gets 552 at once; the
    // limits themselves are checked here while the message streams (rejectOversized would only
    // replace our reply, which names the limit, with its own)
    size: options.maxSize,
    rejectOversized: false,
    maxClients: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
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
    onConnect(session, callback) {
      const refusal = overPerAddressLimit(server.connections, session.remoteAddress, maxPerIp);
      callback(refusal ? smtpError(421, refusal) : null);
    },
    onClose() {
      if (server.connections.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    },
    onAuth(auth, _session, callback) {
      // Any credentials: this server is for testing senders, it has nothing to protect.
      callback(null, { user: { username: auth.username ?? '' } });
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        (reply) => callback(null, reply),
        (error: Error & { responseCode?: number }) => {
          if (error.responseCode) return callback(error);
          callback(smtpError(451, `4.3.0 could not verify the message: ${error.message ?? String(error)}`));
        },
      );
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

  try {
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await verifier.close();
    spool.remove();
    throw error;
  }
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
      await verifier.close();
      spool.remove();
    },
  };
}
