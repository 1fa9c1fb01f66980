// Incremental SMTP reply parser (RFC 5321 section 4.2), fed with whatever chunks the socket
// delivers. A remote server is hostile: every line, every reply and the number of lines are
// bounded, and anything that is not a well-formed reply becomes a typed ReplyProtocolError
// instead of an exception or unbounded buffering. Once an error is recorded the reader is
// poisoned (the stream is out of sync) and ignores further input.

export interface ReplyLimits {
  /**
   * Longest accepted line in octets, without its line terminator. RFC 5321 4.5.3.1.5 sets 512
   * octets including CRLF, but real servers exceed it (long EHLO lines, verbose rejections),
   * so the default is lenient.
   */
  maxLineLength: number;
  /** Most lines in one (multi-line) reply. */
  maxLines: number;
  /** Most octets in one reply, line terminators included. */
  maxReplyBytes: number;
}

export const DEFAULT_REPLY_LIMITS: Readonly<ReplyLimits> = Object.freeze({
  maxLineLength: 2048,
  maxLines: 100,
  maxReplyBytes: 64 * 1024,
});

/** One complete reply. Text is decoded UTF-8 (RFC 6531 allows it) and NOT sanitized. */
export interface SmtpReply {
  /** The three-digit reply code, e.g. 250. */
  code: number;
  /**
   * The RFC 3463 enhanced status code of the first line ("2.1.0"), or null when the reply
   * does not carry one. RFC 2034 section 4: its class must agree with the reply code's first
   * digit; text that merely looks like a status code otherwise is not taken as one.
   */
  enhanced: string | null;
  /** Text of each line after the code and its separator ("250-" / "250 "), verbatim. */
  lines: string[];
  /** The lines joined with "\n", each with a leading enhanced status code removed. */
  message: string;
  /** Octets the reply occupied on the wire, line terminators included. */
  bytes: number;
}

export type ReplyProtocolReason =
  | 'line-too-long'
  | 'too-many-lines'
  | 'reply-too-large'
  | 'malformed-line'
  | 'mixed-codes';

export class ReplyProtocolError extends Error {
  readonly reason: ReplyProtocolReason;
  /**
   * The offending line as received (decoded, unsanitized); for 'line-too-long' only its first
   * maxLineLength octets. Null when the error is about the reply as a whole.
   */
  readonly line: string | null;
  /** 1-based number of the offending line within its reply. */
  readonly lineNumber: number;
  constructor(reason: ReplyProtocolReason, detail: string, line: string | null, lineNumber: number) {
    super(detail);
    this.name = 'ReplyProtocolError';
    this.reason = reason;
    this.line = line;
    this.lineNumber = lineNumber;
  }
}

export interface ReplyReaderOptions {
  limits?: Partial<ReplyLimits>;
  /**
   * Called with every complete line (terminator removed, decoded, unsanitized) before it is
   * validated, so a transcript also shows the lines that break the protocol.
   */
  onLine?: (line: string) => void;
}

const LF = 0x0a;
const CR = 0x0d;

// RFC 5321 4.2: Reply-code = %x32-35 %x30-35 %x30-39, then "-" (more lines follow) or SP text
// or nothing (last line). The second digit is accepted up to 9: leniency costs nothing here.
const REPLY_LINE = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s;

// RFC 3463 section 2: status-code = class "." subject "." detail; class = "2"/"4"/"5";
// subject = 1*3digit; detail = 1*3digit. It is followed by SP or ends the line.
const ENHANCED_CODE = /^([245])\.([0-9]{1,3})\.([0-9]{1,3})(?: |$)/;

function enhancedCodeOf(text: string, code: number): string | null {
  const m = ENHANCED_CODE.exec(text);
  if (!m || Number(m[1]) !== Math.floor(code / 100)) return null;
  return `${m[1]}.${m[2]}.${m[3]}`;
}

function stripEnhancedCode(text: string, code: number): string {
  const m = ENHANCED_CODE.exec(text);
  if (!m || Number(m[1]) !== Math.floor(code / 100)) return text;
  return text.slice(m[0].length);
}

export class ReplyReader {
  readonly limits: Readonly<ReplyLimits>;
  private readonly onLine: ((line: string) => void) | undefined;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  // The unterminated line being received, as the chunks that hold it.
  private pendingChunks: Uint8Array[] = [];
  private pendingLength = 0;

  // The reply being assembled.
  private currentCode: number | null = null;
  private currentRaw: string[] = [];
  private currentTexts: string[] = [];
  private currentBytes = 0;

  private readonly queue: SmtpReply[] = [];
  private failure: ReplyProtocolError | null = null;

  constructor(options: ReplyReaderOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_REPLY_LIMITS, ...options.limits });
    this.onLine = options.onLine;
  }

  /** The protocol error that stopped the reader, or null. */
  get error(): ReplyProtocolError | null {
    return this.failure;
  }

  /** Number of complete replies waiting to be taken. */
  get queued(): number {
    return this.queue.length;
  }

  /** True when part of a reply (complete lines or an unterminated line) has been received. */
  get inReply(): boolean {
    return this.currentRaw.length > 0 || this.pendingLength > 0;
  }

  /** Take the oldest complete reply. */
  take(): SmtpReply | undefined {
    return this.queue.shift();
  }

  /**
   * What has arrived of the reply in progress: its complete lines verbatim (code included),
   * then the unterminated tail if any. Used to keep partial text when the peer goes away.
   */
  partial(): string[] {
    const tail = this.tail();
    return tail === null ? [...this.currentRaw] : [...this.currentRaw, tail];
  }

  /** The unterminated line received so far (decoded), or null when the last line was complete. */
  tail(): string | null {
    return this.pendingLength > 0 ? this.decodeLine(this.pendingBytes()) : null;
  }

  /**
   * Drop everything buffered (queued replies, the reply in progress, the unterminated line)
   * and return how many octets that was. Used at STARTTLS: RFC 3207 section 4.2 has the client
   * discard what it learned before TLS, and plaintext that arrived after the 220 must never be
   * read as a reply to a command sent over TLS (response injection).
   */
  discard(): number {
    let bytes = this.pendingLength + this.currentBytes;
    for (const r of this.queue.splice(0)) bytes += r.bytes;
    this.pendingChunks = [];
    this.pendingLength = 0;
    this.resetCurrent();
    return bytes;
  }

  /** Feed received octets. Never throws for anything the peer sends. */
  feed(chunk: Uint8Array): void {
    let start = 0;
    while (this.failure === null && start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        this.addPending(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, lf);
      start = lf + 1;
      const lineBytes = this.pendingLength === 0 ? piece : this.concatPending(piece);
      this.pendingChunks = [];
      this.pendingLength = 0;
      this.completeLine(lineBytes);
    }
  }

  private addPending(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pendingChunks.push(piece);
    this.pendingLength += piece.length;
    // One octet of slack: the line may be exactly at the limit with its CR already here.
    if (this.pendingLength > this.limits.maxLineLength + 1) {
      this.fail(
        'line-too-long',
        `reply line longer than ${this.limits.maxLineLength} octets`,
        this.decodeLine(this.pendingBytes().subarray(0, this.limits.maxLineLength)),
      );
      return;
    }
    if (this.currentBytes + this.pendingLength > this.limits.maxReplyBytes) {
      this.fail('reply-too-large', `reply larger than ${this.limits.maxReplyBytes} octets`, null);
    }
  }

  private completeLine(withCr: Uint8Array): void {
    const wireBytes = withCr.length + 1; // the LF
    // CRLF is the terminator (RFC 5321 2.3.8); a bare LF is tolerated as one.
    const bytes = withCr.length > 0 && withCr[withCr.length - 1] === CR ? withCr.subarray(0, withCr.length - 1) : withCr;
    if (bytes.length > this.limits.maxLineLength) {
      this.fail(
        'line-too-long',
        `reply line longer than ${this.limits.maxLineLength} octets`,
        this.decodeLine(bytes.subarray(0, this.limits.maxLineLength)),
      );
      return;
    }
    const line = this.decodeLine(bytes);
    this.onLine?.(line);
    const lineNumber = this.currentRaw.length + 1;

    const m = REPLY_LINE.exec(line);
    if (!m) {
      this.fail('malformed-line', 'reply line does not start with a three-digit reply code and a separator', line);
      return;
    }
    const code = Number(m[1]);
    // RFC 5321 4.2.1: every line of a multi-line reply carries the same code.
    if (this.currentCode !== null && code !== this.currentCode) {
      this.fail('mixed-codes', `reply code ${code} inside a multi-line ${this.currentCode} reply`, line);
      return;
    }
    if (lineNumber > this.limits.maxLines) {
      this.fail('too-many-lines', `reply has more than ${this.limits.maxLines} lines`, line);
      return;
    }
    if (this.currentBytes + wireBytes > this.limits.maxReplyBytes) {
      this.fail('reply-too-large', `reply larger than ${this.limits.maxReplyBytes} octets`, null);
      return;
    }
    this.currentCode = code;
    this.currentRaw.push(line);
    this.currentTexts.push(m[3] ?? '');
    this.currentBytes += wireBytes;
    if (m[2] === '-') return;

    const texts = this.currentTexts;
    this.queue.push({
      code,
      enhanced: enhancedCodeOf(texts[0] ?? '', code),
      lines: texts,
      message: texts.map((t) => stripEnhancedCode(t, code)).join('\n'),
      bytes: this.currentBytes,
    });
    this.resetCurrent();
  }

  private resetCurrent(): void {
    this.currentCode = null;
    this.currentRaw = [];
    this.currentTexts = [];
    this.currentBytes = 0;
  }

  private fail(reason: ReplyProtocolReason, detail: string, line: string | null): void {
    const lineNumber = this.currentRaw.length + 1;
    this.failure = new ReplyProtocolError(reason, detail, line, lineNumber);
    // Keep nothing more than needed: the stream is out of sync, later input is ignored.
    this.pendingChunks = [];
    this.pendingLength = 0;
  }

  private pendingBytes(): Uint8Array {
    return this.pendingChunks.length === 1 ? this.pendingChunks[0] : Buffer.concat(this.pendingChunks);
  }

  private concatPending(last: Uint8Array): Uint8Array {
    return Buffer.concat([...this.pendingChunks, last]);
  }

  private decodeLine(bytes: Uint8Array): string {
    return this.decoder.decode(bytes);
  }
}
