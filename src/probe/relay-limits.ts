// How many refusals one SMTP session can take before the server starts to punish the client,
// so the relay test spreads its forms over short sequential sessions and stays under each
// limit (one connection to an address at a time: the sessions follow each other).
//
// The limits of the servers people run, in their default configuration:
// - Postfix: every 4xx/5xx reply counts as an error. From smtpd_soft_error_limit (10) errors
//   on, smtpd sleeps smtpd_error_sleep_time (1 s) before each reply; at smtpd_hard_error_limit
//   (20) it disconnects (postconf(5)). Nine refusals per session stay clear of the sleep.
// - Exim: syntax and protocol errors (500, 501 and 503 replies: a malformed address, a domain
//   literal, a command out of sequence) count against smtp_max_synprot_errors (3); past it
//   Exim answers "Too many syntax or protocol errors" and drops the session (Exim spec,
//   chapter 14: when the count exceeds the limit). ACL refusals ("relay not permitted") do not
//   count. Three per session.
// - Sendmail: after confBAD_RCPT_THROTTLE refused recipients in one transaction (3 in Debian's
//   sendmail.mc) it sleeps one second before each further RCPT reply; a new MAIL starts the
//   count again (measured against Sendmail 8.17.1). Three per transaction.
// - Others (OpenSMTPD, Haraka, unknown): three errors of any kind per session, within Exim's
//   limit, so a server that hides its name is not pushed past the strictest limit we know.
import type { ReplyFact } from './types.ts';

export interface RelayLimits {
  /** the MTA family the limits are for, or 'unknown' */
  family: string;
  /** replies that count against the limit, per session */
  budget: number;
  /** what counts: every error reply, protocol errors only, or refused recipients */
  counts: 'errors' | 'protocol-errors' | 'refused-recipients';
  /** where the count starts again: a new session, or a new transaction (MAIL) */
  per: 'session' | 'transaction';
}

const LIMITS: Record<string, RelayLimits> = {
  postfix: { family: 'postfix', budget: 9, counts: 'errors', per: 'session' },
  exim: { family: 'exim', budget: 3, counts: 'protocol-errors', per: 'session' },
  sendmail: { family: 'sendmail', budget: 3, counts: 'refused-recipients', per: 'transaction' },
  unknown: { family: 'unknown', budget: 3, counts: 'errors', per: 'session' },
};

/** The limits for an MTA family as src/probe/mta-fingerprint.ts names it ('postfix', 'exim', ...). */
export function relayLimitsFor(family: string | null): RelayLimits {
  return LIMITS[family ?? 'unknown'] ?? LIMITS.unknown!;
}

/** Whether `reply` (to MAIL when `command` is 'MAIL', else to RCPT) counts against the session's limit. */
export function countsAgainstLimit(limits: RelayLimits, command: 'MAIL' | 'RCPT', reply: ReplyFact | null): boolean {
  if (reply === null || reply.code < 400) return false;
  switch (limits.counts) {
    case 'errors': return true;
    case 'protocol-errors': return reply.code === 500 || reply.code === 501 || reply.code === 503;
    case 'refused-recipients': return command === 'RCPT';
  }
}

