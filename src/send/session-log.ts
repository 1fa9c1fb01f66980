// The timed transcript of one test send. Lines come from nodemailer's transaction log (its
// `logger` with `transactionLog: true`): each command is logged just before it is written to
// the socket and each reply as soon as it is complete, so the text is what went over the wire
// and the time is when it did. Notes ('*') say what happened around the protocol: connections,
// the TLS handshake, the message data.
//
// Credentials never reach the transcript (RFC 4954 section 4): the initial response of an
// AUTH command and every line that answers a 334 challenge are replaced whole, and as a last
// guard any remaining occurrence of the password, or of its base64 forms, is cut out of every
// line, whichever side sent it.
import { sanitizeRemoteText } from '../util/sanitize.ts';

export type LineDirection = 'C' | 'S' | '*';

export interface TranscriptLine {
  /** whole milliseconds since the send started */
  ms: number;
  dir: LineDirection;
  text: string;
}

export const REDACTED = '<redacted>';

export interface Secret { user: string; password: string }

/** The password and the base64 forms an SMTP client sends it in (AUTH LOGIN, AUTH PLAIN). */
export function secretForms(secret: Secret): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const forms = [
    secret.password,
    b64(secret.password),
    b64(`\u0000${secret.user}\u0000${secret.password}`),
    b64(`${secret.user}\u0000${secret.user}\u0000${secret.password}`),
  ];
  // The base64 of the password without its padding: it appears inside longer encodings too.
  forms.push(b64(secret.password).replace(/=+$/, ''));
  return [...new Set(forms.filter((f) => f.length >= 3))].sort((a, b) => b.length - a.length);
}

export class SessionLog {
  readonly lines: TranscriptLine[] = [];
  private readonly now: () => number;
  private readonly start: number;
  private readonly secrets: string[];
  private answeringChallenge = false;

  constructor(now: () => number, start: number, secret: Secret | null) {
    this.now = now;
    this.start = start;
    this.secrets = secret ? secretForms(secret) : [];
  }

  elapsed(): number {
    return Math.max(0, Math.round(this.now() - this.start));
  }

  private scrub(text: string): string {
    let out = text;
    for (const form of this.secrets) out = out.split(form).join(REDACTED);
    return out;
  }

  note(text: string): void {
    // notes quote host names from DNS and error texts from the peer: remote text too
    this.lines.push({ ms: this.elapsed(), dir: '*', text: sanitizeRemoteText(this.scrub(text)) });
  }

  client(text: string): void {
    let line = text;
    if (this.answeringChallenge) {
      line = REDACTED;
    } else {
      const auth = /^(AUTH[ \t]+\S+)[ \t]+\S/i.exec(line);
      if (auth) line = `${auth[1]} ${REDACTED}`;
    }
    this.answeringChallenge = false;
    this.lines.push({ ms: this.elapsed(), dir: 'C', text: sanitizeRemoteText(this.scrub(line)) });
  }

  /** One reply; a multiline reply becomes one line each, all at the time it completed. */
  server(reply: string): void {
    const ms = this.elapsed();
    const lines = reply.split(/\r?\n/);
    for (const line of lines) this.lines.push({ ms, dir: 'S', text: sanitizeRemoteText(this.scrub(line)) });
    // RFC 4954 section 4: a 334 continuation asks for a SASL response, which is a credential.
    this.answeringChallenge = /^334(?:[ -]|$)/.test(lines[lines.length - 1] ?? '');
  }
}

/** `+12ms   C: EHLO example.com`, one per line. */
export function renderTranscript(lines: TranscriptLine[]): string {
  return lines.map((l) => `${`+${l.ms}ms`.padEnd(8)} ${l.dir === '*' ? '* ' : `${l.dir}:`} ${l.text}`).join('\n');
}
