// One SMTP client session over a socket the caller has already dialled. The probe talks to
// servers it does not trust, so: every wait has a timeout, replies are size-limited by the
// ReplyReader, every failure is an SmtpError with a kind and the step it happened in, and the
// transcript keeps whatever was seen when the session dies part-way.
//
// Reading is paused between operations: a server cannot make us buffer unsolicited data
// (TCP flow control pushes back on it), and what it did send is read, in order, by the next
// operation.

import type net from 'node:net';
import tls from 'node:tls';
import { ReplyReader } from './reply-reader.ts';
import type { ReplyLimits, ReplyProtocolReason, SmtpReply } from './reply-reader.ts';
import { Transcript } from './transcript.ts';
import type { TranscriptEntry, TranscriptOptions } from './transcript.ts';
import { ELLIPSIS, sanitizeRemoteText, truncate } from '../../util/sanitize.ts';

export type SmtpErrorKind =
  /** No (complete) answer within the operation's time budget. */
  | 'timeout'
  /** The connection ended (peer FIN, or the session was already closed) before a complete reply. */
  | 'closed'
  /** A socket error: ECONNRESET, EPIPE, ETIMEDOUT... (`code` holds it). */
  | 'reset'
  /** The server broke the reply syntax or a size limit (`protocolReason` says which). */
  | 'protocol'
  /** The TLS handshake (or, later, the TLS layer) failed; `code` and the message are OpenSSL's. */
  | 'tls';

export interface SmtpErrorDetails {
  /** What had arrived of the unfinished reply: complete lines verbatim, then the unterminated tail. Unsanitized. */
  partial?: string[];
  /** Complete replies this operation received before it failed (for pipelines). */
  replies?: SmtpReply[];
  /** errno or OpenSSL error code (ECONNRESET, ERR_SSL_WRONG_VERSION_NUMBER, DEPTH_ZERO_SELF_SIGNED_CERT). */
  code?: string | null;
  protocolReason?: ReplyProtocolReason | null;
  cause?: unknown;
}

export class SmtpError extends Error {
  readonly kind: SmtpErrorKind;
  /** The step that failed: 'greeting', a command verb ('EHLO', 'RCPT'...), 'tls-handshake', 'auth-response'. */
  readonly step: string;
  readonly partial: string[];
  readonly replies: SmtpReply[];
  readonly code: string | null;
  readonly protocolReason: ReplyProtocolReason | null;
  constructor(kind: SmtpErrorKind, step: string, message: string, details: SmtpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SmtpError';
    this.kind = kind;
    this.step = step;
    this.partial = details.partial ?? [];
    this.replies = details.replies ?? [];
    this.code = details.code ?? null;
    this.protocolReason = details.protocolReason ?? null;
  }
}

export interface SmtpSessionOptions {
  /** Monotonic clock in milliseconds; transcript times are measured with it. Default performance.now. */
  now?: () => number;
  /** Reply size limits; see DEFAULT_REPLY_LIMITS. */
  limits?: Partial<ReplyLimits>;
  /** Transcript bounds; the per-entry length defaults to the reply line limit. */
  transcript?: TranscriptOptions;
}

export interface CommandOptions {
  /** Record the line as `<redacted>` in the transcript (passwords, tokens, anything secret). */
  redact?: boolean;
  /** Step name for errors instead of the command verb. */
  step?: string;
}

interface Waiter {
  steps: string[];
  what: string;
  count: number;
  timeoutMs: number;
  replies: SmtpReply[];
  resolve: (replies: SmtpReply[]) => void;
  reject: (error: SmtpError) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Death {
  kind: SmtpErrorKind;
  message: string;
  code: string | null;
  protocolReason: ReplyProtocolReason | null;
  /** True once an operation has been told; later operations just hear 'closed'. */
  reported: boolean;
}

// setTimeout fires at once for delays above 2^31-1 ms, which would turn a long budget into none.
const MAX_TIMEOUT_MS = 2_147_483_647;

function checkTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`timeout must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`);
  }
}

function checkCommandLine(line: string): void {
  // A CR or LF inside a command would smuggle a second command onto the wire (SMTP injection).
  if (/[\r\n]/.test(line)) throw new RangeError('an SMTP command line must not contain CR or LF');
}

/** The command verb for step names; only a plain keyword, so nothing secret leaks into errors. */
function verbOf(line: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]{0,15})(?:[ \t]|$)/.exec(line);
  return m ? m[1].toUpperCase() : 'command';
}

function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isTlsLayerError(err: unknown): boolean {
  const code = errorCode(err) ?? '';
  return code.startsWith('ERR_SSL_') || (err as { library?: unknown } | null)?.library !== undefined;
}

export class SmtpSession {
  private current: net.Socket;
  private plain: net.Socket;
  private readonly limits: Partial<ReplyLimits> | undefined;
  private reader: ReplyReader;
  private readonly log: Transcript;
  private waiter: Waiter | null = null;
  private death: Death | null = null;
  private peerEnded = false;
  private tlsStarted = false;
  private authInProgress = false;
  private chain: Promise<unknown> = Promise.resolve();

  private readonly onData = (chunk: Buffer): void => this.handleData(chunk);
  private readonly onEnd = (): void => this.handleEnd();
  private readonly onError = (err: Error): void => this.handleError(err);
  private readonly onClose = (): void => this.handleClose();

  /** `socket` must already be connected (the caller dials); the session owns it from now on. */
  constructor(socket: net.Socket, options: SmtpSessionOptions = {}) {
    const now = options.now ?? (() => performance.now());
    this.limits = options.limits;
    this.reader = this.newReader();
    this.log = new Transcript(now, {
      maxLineLength: options.transcript?.maxLineLength ?? this.reader.limits.maxLineLength,
      maxEntries: options.transcript?.maxEntries,
    });
    this.current = socket;
    this.plain = socket;
    this.attach(socket);
    if (socket.destroyed) {
      this.die('closed', 'socket was already destroyed', null, null);
    }
  }

  /** The socket in use: the TLSSocket after startTls, the original socket before. */
  get socket(): net.Socket {
    return this.current;
  }

  /** True after a successful startTls. */
  get secure(): boolean {
    return this.tlsStarted && this.current !== this.plain;
  }

  /** True once the session can no longer exchange anything (closed, failed, or peer gone). */
  /**
   * Complete replies that arrived when no command was waiting for them, counted when the next
   * command is sent (they are discarded then). A server that answers one command twice shifts
   * every later reply onto the wrong command: callers that must trust the pairing (the relay
   * test) check this after their exchanges.
   */
  get unsolicitedReplies(): number {
    return this.unsolicited;
  }

  private unsolicited = 0;

  get closed(): boolean {
    return this.death !== null;
  }

  /** A copy of the transcript so far; also valid after the session failed or closed. */
  transcript(): TranscriptEntry[] {
    return this.log.entries();
  }

  /**
   * Wait for the server greeting (RFC 5321 4.3.1) without sending anything. Resolves with the
   * reply whatever its code (220, or 554/421 refusals); rejects with SmtpError.
   */
  readGreeting(timeoutMs: number): Promise<SmtpReply> {
    checkTimeout(timeoutMs);
    return this.enqueue(async () => {
      const [reply] = await this.exchange(['greeting'], 'greeting', 1, timeoutMs, null);
      return reply;
    });
  }

  /**
   * Send one command line (CRLF is added) and read its reply, whatever its code. Lines that
   * answer a 334 AUTH challenge and lines sent with `redact` appear as `<redacted>`.
   */
  command(line: string, timeoutMs: number, options: CommandOptions = {}): Promise<SmtpReply> {
    checkCommandLine(line);
    checkTimeout(timeoutMs);
    return this.enqueue(async () => {
      const [reply] = await this.sendAndRead([line], timeoutMs, options);
      return reply;
    });
  }

  /**
   * Send several commands in one write and read one reply per command, in order (RFC 2920
   * PIPELINING). `timeoutMs` bounds the whole group. On failure the SmtpError's `replies`
   * holds the replies that did arrive and `step` names the command whose reply was missing.
   */
  pipeline(lines: readonly string[], timeoutMs: number): Promise<SmtpReply[]> {
    if (lines.length === 0) throw new RangeError('pipeline needs at least one command');
    for (const line of lines) checkCommandLine(line);
    checkTimeout(timeoutMs);
    return this.enqueue(() => this.sendAndRead(lines, timeoutMs, {}));
  }

  /**
   * Upgrade the connection to TLS after the server accepted STARTTLS (send `STARTTLS` with
   * command() and check for 220 first). `options` go to tls.connect as they are (servername,
   * rejectUnauthorized, minVersion...); the session supplies only `socket`. Anything the server
   * sent in plaintext after its 220 is discarded and noted (RFC 3207 section 4.2). Later
   * commands go over TLS. Resolves with the TLSSocket for certificate and cipher inspection.
   */
  startTls(options: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
    checkTimeout(timeoutMs);
    return this.enqueue(() => this.upgrade(options, timeoutMs));
  }

  /** Send QUIT (RFC 5321 4.1.1.10), read the reply, then close the connection whatever happened. */
  async quit(timeoutMs: number): Promise<SmtpReply> {
    try {
      return await this.command('QUIT', timeoutMs);
    } finally {
      this.close();
    }
  }

  /**
   * Close now: the socket is destroyed and an operation in progress fails with kind 'closed'.
   * Idempotent.
   */
  close(): void {
    if (this.death === null) {
      this.log.event('connection closed by client');
      this.die('closed', 'connection closed by client', null, null);
      this.markReported();
    }
    this.destroySockets();
  }

  // --- operations ---------------------------------------------------------------------------

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    // One exchange at a time: replies are matched to commands by order, so overlapping
    // operations would steal each other's replies.
    const run = this.chain.then(operation);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async sendAndRead(lines: readonly string[], timeoutMs: number, options: CommandOptions): Promise<SmtpReply[]> {
    // RFC 4954 4: after AUTH, every line the client sends until the final (non-334) reply is a
    // SASL response, i.e. a credential; so is anything after an AUTH in the same group.
    let secret = this.authInProgress;
    let sentAuth = false;
    const steps: string[] = [];
    const wire: string[] = [];
    const logged: Array<{ line: string; redact: boolean }> = [];
    for (const line of lines) {
      const redact = options.redact === true || secret;
      steps.push(options.step ?? (secret ? 'auth-response' : options.redact ? 'redacted' : verbOf(line)));
      logged.push({ line, redact });
      wire.push(`${line}\r\n`);
      if (!redact && verbOf(line) === 'AUTH') {
        sentAuth = true;
        secret = true;
      }
    }
    const what =
      lines.length === 1 ? `reply to ${steps[0]}` : `replies to pipelined ${steps.join(', ')}`;
    const send = (): void => {
      for (const { line, redact } of logged) this.log.client(line, redact);
      this.write(Buffer.from(wire.join(''), 'utf8'));
    };
    const continuing = this.authInProgress || sentAuth;
    try {
      const replies = await this.exchange(steps, what, lines.length, timeoutMs, send);
      this.authInProgress = continuing && replies[replies.length - 1].code === 334;
      return replies;
    } catch (error) {
      this.authInProgress = false;
      throw error;
    }
  }

  private exchange(
    steps: string[],
    what: string,
    count: number,
    timeoutMs: number,
    send: (() => void) | null,
  ): Promise<SmtpReply[]> {
    return new Promise<SmtpReply[]>((resolve, reject) => {
      const waiter: Waiter = { steps, what, count, timeoutMs, replies: [], resolve, reject, timer: undefined };
      this.waiter = waiter;
      if (send !== null) {
        if (this.death === null && this.peerEnded) {
          this.die('closed', `connection closed by peer before ${steps[0]} was sent`, null, null);
        }
        if (this.death !== null) {
          this.rejectDead(waiter);
          return;
        }
      }
      waiter.timer = setTimeout(() => this.handleTimeout(waiter), timeoutMs);
      if (send !== null) {
        // Replies complete before the command is sent cannot answer it; handing them out would
        // shift every later reply onto the wrong command.
        const stale = this.reader.queued;
        if (stale > 0) {
          this.reader.discard();
          this.unsolicited += stale;
          this.log.event(`discarded ${stale} unsolicited ${stale === 1 ? 'reply' : 'replies'} received before ${steps[0]} was sent`);
        }
        send();
      }
      if (this.waiter !== waiter) return; // the write failed synchronously
      if (this.death === null) this.current.resume();
      this.pump();
    });
  }

  /** Hand complete replies to the waiting operation; settle it when it has all it needs. */
  private pump(): void {
    const w = this.waiter;
    if (w === null) return;
    while (w.replies.length < w.count) {
      const reply = this.reader.take();
      if (reply === undefined) break;
      w.replies.push(reply);
    }
    if (w.replies.length >= w.count) {
      this.settle(w);
      if (this.death === null) this.current.pause();
      w.resolve(w.replies);
      return;
    }
    if (this.death !== null) {
      this.settle(w);
      this.rejectDead(w);
    }
  }

  private settle(w: Waiter): void {
    clearTimeout(w.timer);
    if (this.waiter === w) this.waiter = null;
  }

  private rejectDead(w: Waiter): void {
    this.settle(w);
    const death = this.death;
    if (death === null) return;
    const step = this.stepOf(w);
    if (death.reported) {
      w.reject(new SmtpError('closed', step, `session already ended (${death.message})`, { replies: w.replies }));
      return;
    }
    death.reported = true;
    w.reject(
      new SmtpError(death.kind, step, death.message, {
        partial: this.reader.partial(),
        replies: w.replies,
        code: death.code,
        protocolReason: death.protocolReason,
      }),
    );
  }

  private stepOf(w: Waiter): string {
    return w.steps[Math.min(w.replies.length, w.steps.length - 1)];
  }

  private write(data: Buffer): void {
    const socket = this.current;
    if (socket.destroyed || !socket.writable) {
      this.log.event('cannot send: connection already closed');
      this.die('closed', 'connection already closed', null, null);
      return;
    }
    socket.write(data, (err) => {
      // Errors on a live socket also arrive as 'error' events; this catches writes to a socket
      // that was destroyed meanwhile, which report only here.
      if (err && this.death === null && socket === this.current) {
        this.log.event(`write failed: ${errorCode(err) ?? ''} ${errorMessage(err)}`.trim());
        this.die('reset', `write failed: ${errorMessage(err)}`, errorCode(err), null, err);
      }
    });
  }

  // --- STARTTLS -------------------------------------------------------------------------------

  private upgrade(options: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
    return new Promise<tls.TLSSocket>((resolve, reject) => {
      const step = 'tls-handshake';
      if (this.death !== null) {
        const waiter: Waiter = {
          steps: [step], what: 'TLS handshake', count: 1, timeoutMs, replies: [],
          resolve: () => undefined, reject, timer: undefined,
        };
        this.rejectDead(waiter);
        return;
      }
      if (this.tlsStarted) {
        reject(new RangeError('STARTTLS can only be done once per session (RFC 3207 section 4.2)'));
        return;
      }
      this.tlsStarted = true;
      const plain = this.current;

      // Plaintext that arrived after the 220 is not trusted with anything: drop it.
      let discarded = this.reader.discard();
      this.detach(plain);
      for (let chunk = plain.read() as Buffer | null; chunk !== null; chunk = plain.read() as Buffer | null) {
        discarded += chunk.length;
      }
      if (discarded > 0) {
        this.log.event(`discarded ${discarded} octets received in plaintext after the STARTTLS reply`);
      }
      // The TLS socket reports errors of the shared connection; this only keeps a late error
      // on the plain socket from becoming an uncaught exception.
      plain.on('error', () => undefined);

      let secure: tls.TLSSocket;
      try {
        secure = tls.connect({ ...options, socket: plain });
      } catch (err) {
        this.log.event(`TLS handshake failed: ${errorCode(err) ?? ''} ${errorMessage(err)}`.trim());
        this.die('tls', `TLS handshake failed: ${errorMessage(err)}`, errorCode(err), null, err);
        reject(new SmtpError('tls', step, `TLS handshake failed: ${errorMessage(err)}`, { code: errorCode(err), cause: err }));
        this.markReported();
        return;
      }
      this.current = secure;

      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        secure.off('secureConnect', onSecure);
        secure.off('error', onFail);
        secure.off('close', onClosed);
        return true;
      };
      const failWith = (kind: SmtpErrorKind, message: string, err: unknown): void => {
        const code = errorCode(err);
        // Keep an error listener: the socket may still emit after it is destroyed.
        secure.on('error', () => undefined);
        const earlier = this.death;
        if (earlier !== null) {
          // close() during the handshake: that, not the resulting socket close, is the reason.
          reject(new SmtpError('closed', step, `session already ended (${earlier.message})`));
          return;
        }
        this.die(kind, message, code, null, err);
        this.markReported();
        reject(new SmtpError(kind, step, message, { code, cause: err }));
      };
      const onSecure = (): void => {
        if (!finish()) return;
        const protocol = secure.getProtocol() ?? 'unknown protocol';
        const cipher = secure.getCipher();
        this.log.event(`TLS handshake: ${protocol} ${cipher.standardName ?? cipher.name}`);
        if (!secure.authorized) {
          this.log.event(`certificate not verified: ${String(secure.authorizationError ?? 'unknown reason')}`);
        }
        // RFC 3207 4.2: the session starts over; nothing read before the handshake counts.
        this.reader = this.newReader();
        this.authInProgress = false;
        this.attach(secure);
        resolve(secure);
      };
      const onFail = (err: Error): void => {
        if (!finish()) return;
        const code = errorCode(err);
        this.log.event(`TLS handshake failed: ${code === null ? '' : `${code}: `}${errorMessage(err)}`);
        failWith('tls', `TLS handshake failed: ${errorMessage(err)}`, err);
      };
      const onClosed = (): void => {
        if (!finish()) return;
        if (this.death === null) this.log.event('connection closed by peer during TLS handshake');
        failWith('tls', 'connection closed by peer during TLS handshake', null);
      };
      const timer = setTimeout(() => {
        if (!finish()) return;
        this.log.event(`timeout after ${timeoutMs} ms waiting for TLS handshake`);
        failWith('timeout', `timeout after ${timeoutMs} ms waiting for TLS handshake`, null);
      }, timeoutMs);
      secure.once('secureConnect', onSecure);
      secure.on('error', onFail);
      secure.once('close', onClosed);
    });
  }

  private markReported(): void {
    if (this.death !== null) this.death.reported = true;
  }

  // --- socket events --------------------------------------------------------------------------

  private newReader(): ReplyReader {
    return new ReplyReader({ limits: this.limits, onLine: (line) => this.log.server(line) });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    // Read only while an operation waits (see the header comment).
    socket.pause();
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  private handleData(chunk: Buffer): void {
    if (this.death !== null) return;
    this.reader.feed(chunk);
    // Complete replies that precede a protocol error still belong to the waiting operation.
    this.pump();
    const error = this.reader.error;
    if (error !== null) {
      if (error.reason === 'line-too-long' && error.line !== null) this.log.server(error.line + ELLIPSIS);
      this.log.event(`protocol error: ${error.message}; connection dropped`);
      const line = error.line === null ? '' : `: ${sanitizeRemoteText(truncate(error.line, 80))}`;
      this.die('protocol', `${error.message}${line}`, null, error.reason);
    }
  }

  private handleEnd(): void {
    if (this.death !== null) return;
    this.peerEnded = true;
    // 'end' comes after all data was read: no reply can follow. Replies already queued stay
    // readable (pump looks at the queue before the death).
    const midReply = this.reader.inReply;
    this.logTail();
    this.log.event(midReply ? 'connection closed by peer in the middle of a reply' : 'connection closed by peer');
    const w = this.waiter;
    const message = w === null ? 'connection closed by peer' : `connection closed by peer while waiting for ${w.what}`;
    this.die('closed', message, null, null);
  }

  private handleError(err: Error): void {
    if (this.death !== null) return;
    const code = errorCode(err);
    this.logTail();
    this.log.event(`connection error: ${code === null ? '' : `${code}: `}${errorMessage(err)}`);
    this.die(isTlsLayerError(err) ? 'tls' : 'reset', `connection error: ${errorMessage(err)}`, code, null, err);
  }

  private handleClose(): void {
    if (this.death !== null) return;
    this.logTail();
    this.log.event('connection closed');
    this.die('closed', 'connection closed before a complete reply', null, null);
  }

  private handleTimeout(w: Waiter): void {
    if (this.waiter !== w || this.death !== null) return;
    this.logTail();
    const received = w.count > 1 ? ` (${w.replies.length} of ${w.count} replies received)` : '';
    const message = `timeout after ${w.timeoutMs} ms waiting for ${w.what}${received}`;
    this.log.event(message);
    this.die('timeout', message, null, null);
  }

  /** Record an unterminated line in the transcript before the session ends. */
  private logTail(): void {
    const tail = this.reader.tail();
    if (tail !== null) this.log.server(tail + ELLIPSIS);
  }

  /**
   * The session is over: remember why, fail the waiting operation with that reason and
   * destroy the socket. Only the first reason counts.
   */
  private die(
    kind: SmtpErrorKind,
    message: string,
    code: string | null,
    protocolReason: ReplyProtocolReason | null,
    cause?: unknown,
  ): void {
    if (this.death !== null) return;
    this.death = { kind, message, code, protocolReason, reported: false };
    const w = this.waiter;
    if (w !== null) {
      this.settle(w);
      const error = new SmtpError(kind, this.stepOf(w), message, {
        partial: this.reader.partial(),
        replies: w.replies,
        code,
        protocolReason,
        cause,
      });
      this.death.reported = true;
      w.reject(error);
    }
    this.destroySockets();
  }

  private destroySockets(): void {
    this.current.destroy();
    if (this.plain !== this.current) this.plain.destroy();
  }
}
