// The record of one SMTP session: what we sent (C), what the server sent (S) and what happened
// (*: TLS handshakes, timeouts, closes). It is evidence in the audit report, so it must survive
// a session that dies part-way, must never contain credentials, and must never let server text
// drive the terminal it is printed on.

import { sanitizeRemoteText, truncate } from '../../util/sanitize.ts';

export type TranscriptDirection = 'C' | 'S' | '*';

export interface TranscriptEntry {
  /** Milliseconds since the session started (whole ms). */
  t: number;
  dir: TranscriptDirection;
  /** Sanitized, length-bounded text; never contains a credential. */
  text: string;
}

export interface TranscriptOptions {
  /** Longest text kept per entry, in characters, before the ellipsis marker (default 2048). */
  maxLineLength?: number;
  /**
   * Most entries kept (default 5000). A server cannot grow the transcript without bound: past
   * the cap one '*' entry says so and later entries are dropped.
   */
  maxEntries?: number;
}

export const REDACTED = '<redacted>';

// RFC 4954 section 4: AUTH mechanism [SP initial-response]. The initial response carries the
// credential for PLAIN (authzid NUL authcid NUL password), LOGIN (the user name), XOAUTH2 (the
// bearer token)..., so anything after the mechanism is redacted whatever the mechanism is.
const AUTH_WITH_INITIAL_RESPONSE = /^(AUTH)([ \t]+)(\S+)[ \t]+\S.*$/is;

/**
 * The transcript text for a client line. `redact` (set by the session for lines that answer a
 * 334 challenge, and by callers for anything secret) replaces the whole line; an AUTH command
 * keeps its verb and mechanism and loses its initial response.
 */
export function redactClientLine(line: string, redact: boolean): string {
  if (redact) return REDACTED;
  const m = AUTH_WITH_INITIAL_RESPONSE.exec(line);
  if (m) return `${m[1]}${m[2]}${m[3]} ${REDACTED}`;
  return line;
}

export class Transcript {
  private readonly now: () => number;
  private readonly start: number;
  private readonly maxLineLength: number;
  private readonly maxEntries: number;
  private readonly list: TranscriptEntry[] = [];
  private capped = false;

  constructor(now: () => number, options: TranscriptOptions = {}) {
    this.now = now;
    this.start = now();
    this.maxLineLength = options.maxLineLength ?? 2048;
    this.maxEntries = options.maxEntries ?? 5000;
  }

  /** A line we sent. See redactClientLine for what is hidden. */
  client(line: string, redact = false): void {
    this.add('C', redactClientLine(line, redact));
  }

  /** A line the server sent (terminator removed). */
  server(line: string): void {
    this.add('S', line);
  }

  /** Something that happened: handshake, timeout, close, discarded data. */
  event(text: string): void {
    this.add('*', text);
  }

  /** A copy of the entries so far. */
  entries(): TranscriptEntry[] {
    return this.list.map((e) => ({ ...e }));
  }

  private add(dir: TranscriptDirection, text: string): void {
    if (this.capped) return;
    const t = this.elapsed();
    if (this.list.length >= this.maxEntries - 1) {
      this.capped = true;
      this.list.push({ t, dir: '*', text: `transcript capped at ${this.maxEntries} entries; later entries dropped` });
      return;
    }
    // Truncate before escaping so the cut never falls inside an escape sequence.
    this.list.push({ t, dir, text: sanitizeRemoteText(truncate(text, this.maxLineLength)) });
  }

  private elapsed(): number {
    return Math.max(0, Math.round(this.now() - this.start));
  }
}

/**
 * Human-readable transcript lines: `+12ms C: EHLO probe.example`, `+30ms S: 250-mx.example`,
 * `+5000ms * timeout after 5000 ms waiting for greeting`. The text is sanitized again, so
 * entries that did not come from a Transcript (deserialized reports) are safe to print too.
 */
export function formatTranscript(entries: readonly TranscriptEntry[]): string[] {
  return entries.map((e) => {
    const marker = e.dir === '*' ? '*' : `${e.dir}:`;
    return `+${e.t}ms ${marker} ${sanitizeRemoteText(e.text)}`;
  });
}
