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
// - Others (OpenSMTPD, Haraka, a hidden banner): all three at once, the tightest of each:
//   nine errors of any kind per session (under Postfix's soft limit), three protocol errors
//   per session (Exim), three refused recipients per transaction (Sendmail). A server whose
//   family we cannot tell is never pushed past a limit we know, yet a session carries three
//   transactions of refused relay forms instead of one batch: half the sessions, each of
//   which costs a connection, a greeting, EHLO and a TLS handshake.
import type { ReplyFact } from './types.ts';

/** One error limit: how many counted replies a session (or a transaction) can take. */
export interface ErrorLimit {
  budget: number;
  /** what counts: every error reply, protocol errors only, or refused recipients */
  counts: 'errors' | 'protocol-errors' | 'refused-recipients';
  /** where the count starts again: a new session, or a new transaction (MAIL) */
  per: 'session' | 'transaction';
}

export interface RelayLimits {
  /** the MTA family the limits are for, or 'unknown' */
  family: string;
  /** every limit to stay under at once */
  rules: ErrorLimit[];
}

const POSTFIX: ErrorLimit = { budget: 9, counts: 'errors', per: 'session' };
const EXIM: ErrorLimit = { budget: 3, counts: 'protocol-errors', per: 'session' };
const SENDMAIL: ErrorLimit = { budget: 3, counts: 'refused-recipients', per: 'transaction' };

const LIMITS: Record<string, RelayLimits> = {
  postfix: { family: 'postfix', rules: [POSTFIX] },
  exim: { family: 'exim', rules: [EXIM] },
  sendmail: { family: 'sendmail', rules: [SENDMAIL] },
  unknown: { family: 'unknown', rules: [POSTFIX, EXIM, SENDMAIL] },
};

/** The limits for an MTA family as src/probe/mta-fingerprint.ts names it ('postfix', 'exim', ...). */
export function relayLimitsFor(family: string | null): RelayLimits {
  const limits = LIMITS[family ?? 'unknown'] ?? LIMITS.unknown!;
  return { family: limits.family, rules: limits.rules.map((rule) => ({ ...rule })) };
}

/** Whether `reply` (to MAIL when `command` is 'MAIL', else to RCPT) counts against `rule`. */
export function countsAgainst(rule: ErrorLimit, command: 'MAIL' | 'RCPT', reply: ReplyFact | null): boolean {
  if (reply === null || reply.code < 400) return false;
  switch (rule.counts) {
    case 'errors': return true;
    case 'protocol-errors': return reply.code === 500 || reply.code === 501 || reply.code === 503;
    case 'refused-recipients': return command === 'RCPT';
  }
}

/** Whether `reply` counts against any of the limits. */
export function countsAgainstLimit(limits: RelayLimits, command: 'MAIL' | 'RCPT', reply: ReplyFact | null): boolean {
  return limits.rules.some((rule) => countsAgainst(rule, command, reply));
}
