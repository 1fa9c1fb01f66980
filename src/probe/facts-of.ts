// Turning what the SMTP session hands back (replies, errors, EHLO answers) into the plain,
// sanitized facts of src/probe/types.ts.
import type { SmtpReply } from '../net/smtp/reply-reader.ts';
import { SmtpError } from '../net/smtp/smtp-session.ts';
import { authMechanisms, hasStartTls, parseEhlo, pipelining } from '../net/smtp/ehlo.ts';
import { sanitizeRemoteText, truncate } from '../util/sanitize.ts';
import type { EhloFact, ProbeError, ReplyFact } from './types.ts';

/** Longest reply line kept in facts; the transcript keeps the full line (up to its own bound). */
const MAX_LINE = 512;
/** Most lines of one reply kept in facts (an EHLO answer rarely has more than 20). */
const MAX_LINES = 40;

export function remoteText(text: string, max = MAX_LINE): string {
  return sanitizeRemoteText(truncate(text, max));
}

export function replyFact(reply: SmtpReply): ReplyFact {
  const lines = reply.lines.slice(0, MAX_LINES).map((l) => remoteText(l));
  if (reply.lines.length > MAX_LINES) lines.push(`… ${reply.lines.length - MAX_LINES} more lines`);
  return { code: reply.code, enhanced: reply.enhanced, lines };
}

/** "421 4.7.0 Too many connections" on one line, for messages and evidence. */
export function formatReply(reply: ReplyFact | null): string {
  if (reply === null) return 'no reply';
  const first = reply.lines[0] ?? '';
  const more = reply.lines.length > 1 ? ` (+${reply.lines.length - 1} lines)` : '';
  return `${reply.code} ${first}`.trim() + more;
}

// OpenSSL errors read "40A8...:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol
// version:../deps/openssl/...:SSL alert number 70"; the reason is the useful part.
const OPENSSL_ERROR = /[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)(?::[^\n]*?(SSL alert number \d+))?[^\n]*\n?/;

function cleanMessage(message: string): string {
  return message.replace(OPENSSL_ERROR, (_m, reason: string, alert?: string) => `${reason.trim()}${alert ? ` (${alert})` : ''}`).trim();
}

export function probeErrorOf(error: unknown, step: string): ProbeError {
  if (error instanceof SmtpError) {
    return { step, kind: error.kind, message: remoteText(cleanMessage(error.message)), code: error.code };
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { step, kind: 'error', message: remoteText(cleanMessage(message)), code: typeof code === 'string' ? code : null };
}

/** The host name a greeting or EHLO line starts with (RFC 5321 4.2: "220 SP Domain ..."). */
export function announcedHost(firstLine: string | undefined): string | null {
  const word = (firstLine ?? '').trim().split(/[ \t]+/)[0] ?? '';
  return word === '' ? null : remoteText(word.toLowerCase(), 255);
}

export function ehloFact(reply: SmtpReply, command: 'EHLO' | 'HELO', ehloRefused: SmtpReply | null): EhloFact {
  if (command === 'HELO') {
    return {
      command, reply: replyFact(reply), ehloRefused: ehloRefused ? replyFact(ehloRefused) : null,
      domain: announcedHost(reply.lines[0]), extensions: {}, auth: [], starttls: false, pipelining: false,
    };
  }
  const info = parseEhlo(reply);
  const extensions: Record<string, string[]> = {};
  for (const [keyword, params] of Object.entries(info.extensions).slice(0, MAX_LINES)) {
    extensions[remoteText(keyword, 64)] = params.slice(0, 32).map((p) => remoteText(p, 128));
  }
  return {
    command,
    reply: replyFact(reply),
    ehloRefused: null,
    domain: info.domain === '' ? null : remoteText(info.domain.toLowerCase(), 255),
    extensions,
    auth: authMechanisms(info).slice(0, 32).map((m) => remoteText(m, 64)),
    starttls: hasStartTls(info),
    pipelining: pipelining(info),
  };
}
