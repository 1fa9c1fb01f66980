// Limits a message must keep before `serve` or `inspect` hands it to mailauth, checked while the
// bytes stream past (serve) or over the file (inspect), so nothing over a limit is buffered or
// parsed. Each limit exists because a message past it costs time or memory out of proportion:
// mailauth joins folded header lines one by one (quadratic in the lines of the header section:
// 150,000 lines took 90 s), and DKIM relaxed body canonicalization is quadratic in the length of
// one line (a 50 MB line took 113 s). The defaults admit every real message we know of:
// - RFC 5322 section 2.1.1 caps a line at 998 characters, but broken generators send longer ones,
//   so the default line limit is 1 MiB, where the canonicalization cost is still tens of ms.
// - Postfix's header_size_limit (102400 bytes per field, folded lines included) for one field.
// - RFC 5321 section 6.3 lets a server refuse a message after 100 Received fields, so 1000
//   fields and 10,000 header lines leave room for any real trace while bounding the parse.
// - 25 MiB, the size limit most mailbox providers publish.

export interface MessageLimits {
  /** bytes of the whole message (as received: after SMTP dot-unstuffing) */
  maxMessageSize: number;
  /** fields in the header section */
  maxHeaderFields: number;
  /** lines of the header section, folded continuation lines included */
  maxHeaderLines: number;
  /** bytes of one header field, its folded continuation lines and their line breaks included */
  maxHeaderFieldSize: number;
  /** bytes of one line, its line break not counted */
  maxLineLength: number;
}

export type LimitName = keyof MessageLimits;

export const DEFAULT_MESSAGE_LIMITS: Readonly<MessageLimits> = {
  maxMessageSize: 25 * 1024 * 1024,
  maxHeaderFields: 1000,
  maxHeaderLines: 10_000,
  maxHeaderFieldSize: 100 * 1024,
  maxLineLength: 1024 * 1024,
};

export interface LimitOption {
  limit: LimitName;
  flag: string;
  /** the value placeholder in --help */
  unit: 'bytes' | 'n';
  /** the smallest value that still lets an ordinary message through */
  min: number;
  description: string;
}

/** The flags that set each limit, in --help order (shared by serve and inspect). */
export const LIMIT_OPTIONS: readonly LimitOption[] = [
  { limit: 'maxMessageSize', flag: '--max-message-size', unit: 'bytes', min: 1024, description: 'largest message' },
  { limit: 'maxHeaderFields', flag: '--max-header-fields', unit: 'n', min: 10, description: 'most fields in the header section' },
  { limit: 'maxHeaderLines', flag: '--max-header-lines', unit: 'n', min: 10, description: 'most lines in the header section, folded continuation lines included' },
  { limit: 'maxHeaderFieldSize', flag: '--max-header-field-size', unit: 'bytes', min: 998, description: 'largest header field, folded continuation lines included' },
  { limit: 'maxLineLength', flag: '--max-line-length', unit: 'bytes', min: 998, description: 'longest line (RFC 5322 section 2.1.1 says 998)' },
];

export const flagOf = (limit: LimitName): string => LIMIT_OPTIONS.find((o) => o.limit === limit)!.flag;

export interface LimitViolation {
  limit: LimitName;
  flag: string;
  max: number;
  /** one sentence naming what was over which limit, e.g. `the header section has more than 10000 lines (--max-header-lines 10000)` */
  text: string;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
/** enough of a line's start to read a field name (RFC 5322 section 3.6.8: printable ASCII but colon) */
const HEAD_BYTES = 80;

/** RFC 5322 section 2.2.3: a line starting with WSP continues the field above it (if there is one). */
const startsWithWsp = (head: number[]) => head[0] === SP || head[0] === HTAB;

/** A field name fit to repeat in a reply or on a terminal, or null (it is sender-chosen text). */
function printableFieldName(head: number[]): string | null {
  const colon = head.indexOf(0x3a);
  if (colon <= 0 || colon > 64) return null;
  const name = String.fromCharCode(...head.slice(0, colon)).trimEnd();
  return /^[\x21-\x39\x3b-\x7e]+$/.test(name) ? name : null;
}

/**
 * Checks a message against the limits as its bytes go by, in chunks of any size, without keeping
 * more than the first bytes of the current line. A line ends at LF (CRLF or a bare LF, which
 * mailauth also reads as a line break); the header section ends at the first empty line
 * (RFC 5322 section 2.1). The first limit broken is kept; after it only the size is counted.
 */
export class LimitScanner {
  private readonly limits: MessageLimits;
  /** bytes seen so far */
  size = 0;
  violation: LimitViolation | null = null;
  private inHeader = true;
  private lineNumber = 0;
  /** bytes of the current line so far, its line break included once it arrives */
  private lineBytes = 0;
  private lastByte = -1;
  /** whether a CR came right before the LF that ended the line just completed */
  private crBeforeLf = false;
  private head: number[] = [];
  private headerLines = 0;
  private fields = 0;
  /** bytes of the current header field's complete lines */
  private fieldBytes = 0;
  private fieldName: string | null = null;

  constructor(limits: MessageLimits) {
    this.limits = limits;
  }

  /** Feed the next chunk; returns the first violation so far, or null. */
  write(chunk: Uint8Array): LimitViolation | null {
    this.size += chunk.length;
    if (this.violation) return this.violation;
    if (this.size > this.limits.maxMessageSize) {
      return this.fail('maxMessageSize', `the message is larger than ${this.limits.maxMessageSize} bytes`);
    }
    let pos = 0;
    while (pos < chunk.length && !this.violation) {
      const nl = chunk.indexOf(LF, pos);
      const end = nl < 0 ? chunk.length : nl + 1;
      if (this.inHeader && this.head.length < HEAD_BYTES) {
        for (let i = pos; i < end && this.head.length < HEAD_BYTES; i += 1) this.head.push(chunk[i]!);
      }
      if (nl >= 0) this.crBeforeLf = nl > pos ? chunk[nl - 1] === CR : this.lastByte === CR;
      this.lineBytes += end - pos;
      this.lastByte = chunk[end - 1]!;
      if (nl < 0) this.checkOpenLine();
      else this.lineDone(true);
      pos = end;
    }
    return this.violation;
  }

  /** The message is complete (a last line without a line break counts as a line). */
  end(): LimitViolation | null {
    if (!this.violation && this.lineBytes > 0) this.lineDone(false);
    return this.violation;
  }

  /** A line still arriving can already be too long, as a line or as part of its header field. */
  private checkOpenLine(): void {
    // at most one CR at the end of the bytes so far may turn out to start the line break
    const content = this.lineBytes - (this.lastByte === CR ? 1 : 0);
    if (content > this.limits.maxLineLength) {
      this.tooLongLine();
      return;
    }
    if (this.inHeader && this.head.length > 0 && this.fieldBytesWith(this.lineBytes) > this.limits.maxHeaderFieldSize) {
      this.tooLargeField();
    }
  }

  private lineDone(terminated: boolean): void {
    this.lineNumber += 1;
    const breakBytes = terminated ? (this.crBeforeLf ? 2 : 1) : 0;
    const content = this.lineBytes - breakBytes;
    const bytes = this.lineBytes;
    const head = this.head;
    this.lineBytes = 0;
    this.head = [];
    if (content > this.limits.maxLineLength) {
      this.tooLongLine();
      return;
    }
    if (!this.inHeader) return;
    if (content === 0) {
      this.inHeader = false;
      return;
    }
    this.headerLines += 1;
    if (this.headerLines > this.limits.maxHeaderLines) {
      this.fail('maxHeaderLines', `the header section has more than ${this.limits.maxHeaderLines} lines, folded lines included`);
      return;
    }
    if (startsWithWsp(head) && this.fields > 0) {
      this.fieldBytes += bytes;
    } else {
      this.fields += 1;
      if (this.fields > this.limits.maxHeaderFields) {
        this.fail('maxHeaderFields', `the header section has more than ${this.limits.maxHeaderFields} fields`);
        return;
      }
      this.fieldBytes = bytes;
      this.fieldName = printableFieldName(head);
    }
    if (this.fieldBytes > this.limits.maxHeaderFieldSize) this.tooLargeField();
  }

  /** Whether the line arriving continues the current field (else it starts the next one). */
  private get continuing(): boolean {
    return startsWithWsp(this.head) && this.fields > 0;
  }

  /** The size of the field the line arriving belongs to, that line so far included. */
  private fieldBytesWith(lineBytes: number): number {
    return this.continuing ? this.fieldBytes + lineBytes : lineBytes;
  }

  private tooLongLine(): void {
    this.fail('maxLineLength', `line ${this.lineNumber + (this.lineBytes > 0 ? 1 : 0)} (in the ${this.inHeader ? 'header section' : 'body'}) is longer than ${this.limits.maxLineLength} bytes`);
  }

  private tooLargeField(): void {
    // a line still arriving that starts a new field names it; otherwise the field it continues
    const name = this.head.length > 0 && !this.continuing ? printableFieldName(this.head) : this.fieldName;
    this.fail('maxHeaderFieldSize', `the header field ${name ?? '(unnamed)'} is larger than ${this.limits.maxHeaderFieldSize} bytes, folded lines included`);
  }

  private fail(limit: LimitName, what: string): LimitViolation {
    const flag = flagOf(limit);
    const max = this.limits[limit];
    this.violation = { limit, flag, max, text: `${what} (${flag} ${max})` };
    return this.violation;
  }
}
