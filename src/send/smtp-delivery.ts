// One SMTP session with nodemailer's SMTPConnection over a socket from our dialer (so
// --connect-to applies): greeting, EHLO, STARTTLS or implicit TLS, AUTH, MAIL/RCPT/DATA, QUIT.
// Everything that happens lands in the SessionLog; the outcome keeps the TLS details, the
// accepted and refused recipients and the server's final reply.
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { format } from 'node:util';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Dialer } from '../net/dial.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import type { SessionLog, Secret } from './session-log.ts';

export type TlsMode = 'starttls' | 'implicit' | 'none';

export interface Destination {
  /** the address to dial */
  host: string;
  port: number;
  /** the host name it was found under (MX name, --server name): SNI, --connect-to, certificate name */
  hostname: string | null;
}

export interface SessionSettings {
  tls: TlsMode;
  requireTls: boolean;
  verifyCert: boolean;
  helo: string | null;
  auth: (Secret & { method: 'PLAIN' | 'LOGIN' | null }) | null;
  timeoutMs: number;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  altNames: string[];
  validFrom: string;
  validTo: string;
  daysLeft: number;
  fingerprint256: string;
  selfSigned: boolean;
  /** the chain and the name verified (Node's `authorized`) */
  trusted: boolean;
  trustError: string | null;
  /** whether the certificate covers the host name we asked for; null when we had only an address */
  nameMatches: boolean | null;
}

export interface TlsSummary {
  how: 'starttls' | 'implicit';
  protocol: string | null;
  cipher: string | null;
  certificate: CertificateSummary | null;
}

export type FailureKind = 'rejected' | 'network';

export interface SessionFailure {
  kind: FailureKind;
  /** nodemailer or socket code: EAUTH, EENVELOPE, EMESSAGE, ETLS, ECONNREFUSED, ETIMEDOUT... */
  code: string;
  message: string;
  /** the server reply that caused it, when there was one */
  reply: string | null;
  /** the command it answered */
  command: string | null;
}

export interface SessionOutcome {
  /** the socket connected */
  connected: boolean;
  /** the session was set up: 220 greeting, EHLO and any TLS upgrade done (trying another address would not help) */
  greeted: boolean;
  remote: { address: string; port: number } | null;
  tls: TlsSummary | null;
  /** AUTH was offered in the (last) EHLO reply */
  authOffered: boolean;
  authenticated: boolean;
  accepted: string[];
  rejected: Array<{ recipient: string; reply: string }>;
  /** the reply to the end of DATA */
  reply: string | null;
  failure: SessionFailure | null;
}

interface NodemailerError extends Error { code?: string; response?: string; responseCode?: number; command?: string; rejected?: string[]; rejectedErrors?: NodemailerError[] }

function decodeCertName(name: unknown): string {
  if (!name || typeof name !== 'string') return '';
  return name.split('\n').filter(Boolean).join(', ');
}

function certificateSummary(socket: TLSSocket, hostname: string | null, now: Date): CertificateSummary | null {
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return null;
  const validTo = new Date(x509.validTo);
  return {
    subject: decodeCertName(x509.subject),
    issuer: decodeCertName(x509.issuer),
    altNames: (x509.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / 86400_000),
    fingerprint256: x509.fingerprint256,
    selfSigned: x509.subject === x509.issuer && x509.verify(x509.publicKey),
    trusted: socket.authorized,
    trustError: socket.authorized ? null : String(socket.authorizationError ?? 'not verified'),
    nameMatches: hostname && !net.isIP(hostname) ? x509.checkHost(hostname) !== undefined : null,
  };
}

/** OpenSSL's "40...:error:0A00010B:SSL routines:func:wrong version number:file:line" -> its reason. */
export function readableError(message: string): string {
  const ssl = /SSL routines:[^:]*:([^:]+):/.exec(message);
  const text = ssl ? `${message.slice(0, message.search(/[0-9A-F]{8,}:error:/)).trim()} TLS handshake failed: ${ssl[1]}`.trim() : message;
  // Node's advice about its own CA store means nothing to a user of this command.
  return text.replace(/;\s*if the root CA is installed locally.*$/s, '').trim();
}

// Failures decided by what the server said or announced (a refused login, a message over its
// SIZE limit, a refused envelope), as opposed to the connection failing.
const SERVER_DECISIONS = new Set(['EAUTH', 'EMESSAGE', 'EENVELOPE']);

function failureOf(error: NodemailerError): SessionFailure {
  const reply = typeof error.response === 'string' && error.response ? error.response : null;
  const code = error.code ?? 'ERROR';
  // A reply from the server means it answered and said no; no reply means we never got that far.
  const kind: FailureKind = (reply && /^[45]\d\d/.test(reply)) || SERVER_DECISIONS.has(code) ? 'rejected' : 'network';
  return { kind, code, message: sanitizeRemoteText(readableError(error.message)), reply: reply ? sanitizeRemoteText(reply) : null, command: error.command ?? null };
}

export async function runSession(
  destination: Destination,
  envelope: { from: string; to: string[] },
  message: Buffer,
  settings: SessionSettings,
  dialer: Dialer,
  log: SessionLog,
  now: () => Date,
): Promise<SessionOutcome> {
  const outcome: SessionOutcome = {
    connected: false, greeted: false, remote: null, tls: null, authOffered: false, authenticated: false,
    accepted: [], rejected: [], reply: null, failure: null,
  };
  const where = destination.hostname && destination.hostname !== destination.host ? `${destination.hostname} [${destination.host}]:${destination.port}` : `${destination.host}:${destination.port}`;
  const real = dialer.destination({ host: destination.host, port: destination.port, hostname: destination.hostname ?? undefined });
  const redirected = real.host !== destination.host || real.port !== destination.port ? ` (--connect-to: ${real.host}:${real.port})` : '';
  log.note(`connecting to ${where}${redirected}`);
  let socket: net.Socket;
  try {
    socket = await dialer.dial({ host: destination.host, port: destination.port, hostname: destination.hostname ?? undefined, timeoutMs: settings.timeoutMs });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    log.note(`connection failed: ${e.code ?? ''} ${e.message}`.trim());
    outcome.failure = { kind: 'network', code: e.code ?? 'ECONNECTION', message: e.message, reply: null, command: 'CONNECT' };
    return outcome;
  }
  outcome.connected = true;
  outcome.remote = { address: socket.remoteAddress ?? real.host, port: socket.remotePort ?? real.port };
  log.note(`connected to ${outcome.remote.address}:${outcome.remote.port} from ${socket.localAddress}:${socket.localPort}`);

  const sni = destination.hostname && !net.isIP(destination.hostname) ? destination.hostname : undefined;
  let connection: SMTPConnection | null = null;
  const noteTls = () => {
    if (outcome.tls || !connection?.secure || !connection._socket) return;
    const tlsSocket = connection._socket as TLSSocket;
    const certificate = certificateSummary(tlsSocket, destination.hostname, now());
    outcome.tls = { how: settings.tls === 'implicit' ? 'implicit' : 'starttls', protocol: tlsSocket.getProtocol(), cipher: tlsSocket.getCipher()?.name ?? null, certificate };
    const cert = certificate
      ? `; certificate ${sanitizeRemoteText(certificate.subject) || '(no subject)'}, issuer ${sanitizeRemoteText(certificate.issuer) || '-'}, ${certificate.trusted ? 'trusted' : `not trusted (${certificate.trustError})`}`
      : '; no certificate';
    log.note(`TLS established: ${outcome.tls.protocol ?? '?'} ${outcome.tls.cipher ?? '?'}${cert}`);
  };
  const logger = {
    debug(entry: { tnx?: string } | undefined, message?: string, ...args: unknown[]) {
      const text = args.length > 0 ? format(message, ...args) : String(message ?? '');
      if (entry?.tnx === 'client') log.client(text);
      else if (entry?.tnx === 'server') log.server(text);
    },
    info(entry: { tnx?: string; outByteCount?: number } | undefined, message?: string, ...args: unknown[]) {
      const text = args.length > 0 ? format(message, ...args) : String(message ?? '');
      if (/upgraded with STARTTLS|^Secure connection established/.test(text)) noteTls();
      else if (/Failed STARTTLS upgrade/.test(text)) log.note('STARTTLS refused: continuing without TLS');
      else if (entry?.tnx === 'message' && typeof entry.outByteCount === 'number') log.note(`message data sent: ${entry.outByteCount} bytes, then <CRLF>.<CRLF>`);
    },
    warn(_entry: unknown, message?: string, ...args: unknown[]) {
      const text = args.length > 0 ? format(message, ...args) : String(message ?? '');
      if (/Discarded/.test(text)) log.note(text);
    },
  };
  connection = new SMTPConnection({
    connection: socket,
    host: destination.hostname ?? destination.host,
    port: destination.port,
    servername: sni,
    secure: settings.tls === 'implicit',
    ignoreTLS: settings.tls === 'none',
    requireTLS: settings.requireTls,
    opportunisticTLS: !settings.requireTls,
    name: settings.helo ?? undefined,
    logger,
    transactionLog: true,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    socketCloseTimeout: 1000,
    tls: { rejectUnauthorized: settings.verifyCert, servername: sni },
  });
  const conn = connection;
  let lastError: NodemailerError | null = null;
  const ended = new Promise<void>((resolve) => conn.once('end', () => resolve()));
  conn.on('error', (error: NodemailerError) => { lastError = error; });

  // Each step resolves with its callback, or rejects when the connection fails or ends first.
  const step = <T>(start: (done: (error: NodemailerError | null | undefined, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (error: NodemailerError | null | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        if (error) reject(error); else resolve(value as T);
      };
      ended.then(() => finish(lastError ?? Object.assign(new Error('the server closed the connection'), { code: 'ECONNECTION' })));
      start(finish);
    });

  try {
    await step<void>((done) => conn.connect((error) => done(error ?? null)));
    outcome.greeted = true;
    outcome.authOffered = conn.allowsAuth;
    noteTls();
    if (!conn.secure && settings.tls === 'starttls') log.note('no TLS: the server did not offer STARTTLS, the session stays unencrypted');
    if (settings.auth) {
      if (!conn.allowsAuth) log.note('the server did not offer AUTH in its EHLO reply; trying anyway');
      await step<boolean | undefined>((done) => conn.login({
        user: settings.auth!.user,
        pass: settings.auth!.password,
        ...(settings.auth!.method ? { method: settings.auth!.method } : {}),
      }, (error, result) => done(error, result)));
      outcome.authenticated = true;
    }
    const info = await step<{ accepted: string[]; rejected: string[]; rejectedErrors?: NodemailerError[]; response: string }>((done) =>
      conn.send(envelope, message, (error, result) => done(error as NodemailerError | null, result)));
    outcome.accepted = info.accepted;
    outcome.rejected = (info.rejectedErrors ?? []).map((e, i) => ({ recipient: info.rejected[i] ?? '', reply: sanitizeRemoteText(e.response ?? e.message) }));
    outcome.reply = sanitizeRemoteText(info.response);
    conn.quit();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  } catch (error) {
    const e = error as NodemailerError;
    if (e.rejectedErrors) {
      outcome.rejected = e.rejectedErrors.map((r, i) => ({ recipient: e.rejected?.[i] ?? '', reply: sanitizeRemoteText(r.response ?? r.message) }));
    }
    outcome.failure = failureOf(e);
    log.note(`failed: ${outcome.failure.message}`);
    if (!conn.destroyed && outcome.greeted && outcome.failure.kind === 'rejected') {
      conn.quit();
      await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    }
    conn.close();
  }
  socket.destroy();
  return outcome;
}
