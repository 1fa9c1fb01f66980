// The probe's view of an SMTP session: the session from src/net/smtp with one rule added in
// code, not in convention: the probe never sends a message. DATA (RFC 5321 4.1.1.4) and BDAT
// (RFC 3030 2) are the only commands that transfer message content, so any line starting with
// either verb is refused before it reaches the socket, whatever built it. The open-relay test
// stops at RCPT; this makes "never sends DATA" a property that tests can rely on.
import type tls from 'node:tls';
import type { SmtpReply } from '../net/smtp/reply-reader.ts';
import type { SmtpSession } from '../net/smtp/smtp-session.ts';
import type { TranscriptEntry } from '../net/smtp/transcript.ts';

export class MessageTransferRefused extends Error {
  constructor(line: string) {
    super(`the probe never sends a message: refused to send "${line.slice(0, 4).toUpperCase()}"`);
    this.name = 'MessageTransferRefused';
  }
}

const MESSAGE_COMMAND = /^\s*(DATA|BDAT)(?![A-Za-z0-9])/i;

/** Throws MessageTransferRefused when `line` would start a message transfer. */
export function assertNoMessageTransfer(line: string): void {
  if (MESSAGE_COMMAND.test(line)) throw new MessageTransferRefused(line);
}

export class ProbeSession {
  private readonly inner: SmtpSession;

  constructor(session: SmtpSession) {
    this.inner = session;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  /** replies the server sent that answered no command (see SmtpSession.unsolicitedReplies) */
  get unsolicitedReplies(): number {
    return this.inner.unsolicitedReplies;
  }

  readGreeting(timeoutMs: number): Promise<SmtpReply> {
    return this.inner.readGreeting(timeoutMs);
  }

  command(line: string, timeoutMs: number): Promise<SmtpReply> {
    assertNoMessageTransfer(line);
    return this.inner.command(line, timeoutMs);
  }

  pipeline(lines: readonly string[], timeoutMs: number): Promise<SmtpReply[]> {
    for (const line of lines) assertNoMessageTransfer(line);
    return this.inner.pipeline(lines, timeoutMs);
  }

  startTls(options: tls.ConnectionOptions, timeoutMs: number): Promise<tls.TLSSocket> {
    return this.inner.startTls(options, timeoutMs);
  }

  quit(timeoutMs: number): Promise<SmtpReply> {
    return this.inner.quit(timeoutMs);
  }

  close(): void {
    this.inner.close();
  }

  transcript(): TranscriptEntry[] {
    return this.inner.transcript();
  }
}
