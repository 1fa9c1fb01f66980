// One SMTP session with nodemailer's SMTPConnection over a socket from our dialer (so
// --connect-to applies): greeting, EHLO, STARTTLS or implicit TLS, AUTH, MAIL/RCPT/DATA, QUIT.
// Everything that happens lands in the SessionLog; the outcome keeps the TLS details, the
// accepted and refused recipients and the server's final reply. A ReplyLedger beside it pairs
// every reply with the command it answered, so a refusal followed by the server hanging up is
// still reported as that refusal, and AUTH is judged on what the last EHLO really offered.
import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { format } from 'node:util';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Dialer } from '../net/dial.ts';
import { DEFAULT_REPLY_LIMITS } from '../net/smtp/reply-reader.ts';
import { sanitizeRemoteText } from '../util/sanitize.ts';
import { authDecision } from './auth-policy.ts';
import { ReplyLedger, type Stage } from './reply-ledger.ts';
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
  /** --allow-plaintext-auth: the password may go over an unencrypted session (test rigs) */
  allowPlaintextAuth: boolean;
  /** --ca-file certificates (PEM), trusted besides Node's default store */
  caCertificates: string[];
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

/**
 * rejected: the server said no (its reply is kept); network: no answer, no connection, or a
 * connection that failed before the server decided (could not tell); stopped: smtp-audit
 * stopped itself before AUTH rather than send the password (auth-policy.ts).
 */
export type FailureKind = 'rejected' | 'network' | 'stopped';

export interface SessionFailure {
  kind: FailureKind;
  /**
   * nodemailer or socket code: EAUTH, EENVELOPE, EMESSAGE, ETLS, ECONNREFUSED, ETIMEDOUT...; ours:
   * ENOTLS / ENOAUTH / ENOMECH (stopped before AUTH), EREPLYSIZE (a reply over our size limit)
   */
  code: string;
  message: string;
  /** the server reply that caused it, when there was one */
  reply: string | null;
  /**
   * the stage its reply answered, or the one left waiting: CONNECT (the TCP connection), CONN
   * (the greeting), EHLO, HELO, STARTTLS, AUTH..., MAIL FROM, RCPT TO, DATA, END OF DATA
   */
  command: string | null;
}

export interface SessionOutcome {
  /** the socket connected */
  connected: boolean;
  /** the session was set up: 220 greeting, EHLO and any TLS upgrade done (trying another address would not help) */
  greeted: boolean;
  remote: { address: string; port: number } | null;
  tls: TlsSummary | null;
  /** AUTH was offered in the (last) EHLO reply (RFC 4954 section 3) */
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
// How nodemailer reports a reply over maxResponseSize: a code it shares with other protocol
// errors, so the message is the only way to tell it apart.
const REPLY_TOO_LARGE = /response exceeds maximum allowed size/i;
// The reply-size limit: RFC 5321 section 4.5.3.1.5 allows 512 octets per reply line; multi-line
// replies (EHLO, long rejections) stay far below this. Same limit as our own probe's reader.
const MAX_REPLY_BYTES = DEFAULT_REPLY_LIMITS.maxReplyBytes;

// The code nodemailer gives a refusal at each stage.
const CODE_OF_STAGE: Partial<Record<Stage, string>> = {
  CONN: 'EPROTOCOL', EHLO: 'EPROTOCOL', HELO: 'EPROTOCOL', STARTTLS: 'ETLS', AUTH: 'EAUTH',
  'MAIL FROM': 'EENVELOPE', 'RCPT TO': 'EENVELOPE', DATA: 'EENVELOPE', 'END OF DATA': 'EMESSAGE',
};

function failureOf(error: NodemailerError, ledger: ReplyLedger): SessionFailure {
  const reply = typeof error.response === 'string' && error.response ? error.response : null;
  const code = error.code ?? 'ERROR';
  if (REPLY_TOO_LARGE.test(error.message)) {
    return {
      kind: 'network', code: 'EREPLYSIZE', reply: null, command: ledger.awaiting(),
      message: `the server's reply grew past ${MAX_REPLY_BYTES} bytes, the most smtp-audit reads of one reply: session abandoned`,
    };
  }
  // A reply from the server means it answered and said no; no reply means we never got that far.
  if ((reply && /^[45]\d\d/.test(reply)) || SERVER_DECISIONS.has(code)) {
    const refusal = ledger.endingRefusal();
    // nodemailer names the stage CONN when the server closed right after its refusal, and DATA
    // for the reply to the end of the message
    const closedAfter = error.command === 'CONN' && refusal !== null && refusal.reply === reply;
    let command = closedAfter ? refusal.stage : error.command ?? null;
    if (code === 'EMESSAGE' && command === 'DATA') command = 'END OF DATA';
    return { kind: 'rejected', code: closedAfter ? CODE_OF_STAGE[refusal.stage] ?? code : code, message: sanitizeRemoteText(readableError(error.message)), reply: reply ? sanitizeRemoteText(reply) : null, command };
  }
  // The connection failed (closed, reset, timed out) with no reply in the error. If the last
  // thing the server said was a refusal, that refusal decided the session (RFC 5321 section
  // 3.8: a server may close after a reply; with PIPELINING the refusal of MAIL comes before the
  // close, and nodemailer, waiting for the reply to DATA, reports only the close).
  const refusal = ledger.endingRefusal();
  if (refusal && refusal.stage !== 'QUIT') {
    const what = code === 'ETIMEDOUT' || code === 'ETIMEOUT' ? 'then stopped answering' : 'then closed the connection';
    return {
      kind: 'rejected',
      code: CODE_OF_STAGE[refusal.stage] ?? 'EPROTOCOL',
      message: sanitizeRemoteText(`the server refused ${refusal.stage === 'CONN' ? 'the session in its greeting' : refusal.command} and ${what}`),
      reply: sanitizeRemoteText(refusal.reply),
      command: refusal.stage,
    };
  }
  const timedOut = code === 'ETIMEDOUT' || code === 'ETIMEOUT';
  return {
    kind: 'network', code, message: sanitizeRemoteText(readableError(error.message)), reply: null,
    command: (timedOut ? ledger.awaiting() : null) ?? error.command ?? null,
  };
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
  const ledger = new ReplyLedger();
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
      if (entry?.tnx === 'client') { ledger.client(text); log.client(text); } else if (entry?.tnx === 'server') { ledger.server(text); log.server(text); }
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
    maxResponseSize: MAX_REPLY_BYTES,
    tls: {
      rejectUnauthorized: settings.verifyCert,
      servername: sni,
      // an explicit `ca` replaces Node's store: keep the default roots (with NODE_EXTRA_CA_CERTS) beside --ca-file
      ...(settings.caCertificates.length > 0 ? { ca: [...tls.getCACertificates('default'), ...settings.caCertificates] } : {}),
    },
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

  const quitPolitely = async () => {
    conn.quit();
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  };
  try {
    await step<void>((done) => conn.connect((error) => done(error ?? null)));
    outcome.greeted = true;
    const offered = ledger.authMechanisms();
    outcome.authOffered = offered !== null;
    noteTls();
    if (!conn.secure && settings.tls === 'starttls') {
      log.note(ledger.answered.some((a) => a.stage === 'STARTTLS') ? 'no TLS: STARTTLS did not succeed, the session stays unencrypted' : 'no TLS: the server did not offer STARTTLS, the session stays unencrypted');
    }
    if (settings.auth) {
      const decision = authDecision({ encrypted: conn.secure, offered, requested: settings.auth.method, allowPlaintext: settings.allowPlaintextAuth });
      if (!decision.send) {
        // stop before AUTH: nothing of the credentials goes on the wire
        outcome.failure = { kind: 'stopped', code: decision.code, message: decision.message, reply: null, command: 'AUTH' };
        log.note(decision.message);
        await quitPolitely();
        conn.close();
        socket.destroy();
        return outcome;
      }
      if (!conn.secure) log.note('--allow-plaintext-auth: logging in over an unencrypted session');
      await step<boolean | undefined>((done) => conn.login({ user: settings.auth!.user, pass: settings.auth!.password, method: decision.method }, (error, result) => done(error, result)));
      outcome.authenticated = true;
    }
    // RFC 1870 section 6: declare the size (SIZE= on MAIL FROM) so the server can refuse a message
    // it would not take before the data is sent, and so nodemailer checks it against the SIZE
    // limit the server announced
    const info = await step<{ accepted: string[]; rejected: string[]; rejectedErrors?: NodemailerError[]; response: string }>((done) =>
      conn.send({ ...envelope, size: message.length }, message, (error, result) => done(error as NodemailerError | null, result)));
    outcome.accepted = info.accepted;
    outcome.rejected = (info.rejectedErrors ?? []).map((e, i) => ({ recipient: info.rejected[i] ?? '', reply: sanitizeRemoteText(e.response ?? e.message) }));
    outcome.reply = sanitizeRemoteText(info.response);
    await quitPolitely();
  } catch (error) {
    const e = error as NodemailerError;
    outcome.failure = failureOf(e, ledger);
    // the recipients the server refused: nodemailer's list, or, when the session ended before
    // nodemailer could report them (a close after the replies), the ledger's
    const refused = e.rejectedErrors
      ? e.rejectedErrors.map((r, i) => ({ recipient: e.rejected?.[i] ?? '', reply: r.response ?? r.message }))
      : ledger.refusedRecipients();
    outcome.rejected = refused.map((r) => ({ recipient: r.recipient, reply: sanitizeRemoteText(r.reply) }));
    log.note(`failed: ${outcome.failure.message}`);
    if (!conn.destroyed && outcome.greeted && outcome.failure.kind === 'rejected') await quitPolitely();
    conn.close();
  }
  socket.destroy();
  return outcome;
}
