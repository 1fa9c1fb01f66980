// What a refusal means, from the reply code (RFC 5321 section 4.2.1: 4xx temporary, 5xx
// permanent; 530 authentication, 503 bad sequence), the RFC 3463 enhanced status code (5.7.x
// security or policy, 5.1.x addressing, 5.7.54 Exchange's "unable to relay") and the words each
// MTA uses by default. One table, tried in order, the first rule that matches wins; specific
// causes come before general ones (a relay refusal says "5.7.1" like a blocklist refusal, and
// Sendmail's "Relaying denied. Proper authentication required." is a relay refusal, not a demand
// for AUTH). The open-relay check uses it to say what a refusal is, and it is the place to
// teach a new MTA's wording: the texts of each MTA are in test/probe/refusal-kind.test.ts.
//
// Relay refusals by MTA, as they print them by default:
// - Postfix (smtpd_check.c): "554 5.7.1 <rcpt>: Relay access denied" (reject_unauth_destination)
//   and "454 4.7.1 <rcpt>: Relay access denied" (defer_unauth_destination, the default of
//   smtpd_relay_restrictions since Postfix 2.10): the 454 is TEMPORARY but still a refusal;
// - Exim: "550 relay not permitted" (configure.default, Debian's exim4.conf.template) and
//   "550 Administrative prohibition" (smtp_in.c: an ACL deny without a message);
// - Sendmail (proto.m4): "550 5.7.1 <rcpt>... Relaying denied", with ". Proper authentication
//   required." when AUTH is configured;
// - Haraka (connection.js): "550 I cannot deliver mail for <rcpt>" when no plugin vouches;
// - Microsoft: "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
//   "550 5.7.1 Unable to relay".
import type { ReplyFact } from './types.ts';

export type RefusalKind =
  /** the server does not relay for this client (the answer the relay test hopes for) */
  | 'relay-denied'
  /** relaying (or any mail) needs SMTP AUTH first */
  | 'auth-required'
  /** the server wants STARTTLS first */
  | 'tls-required'
  /** this client's address is on a blocklist or has a poor reputation */
  | 'blocklisted'
  /** greylisting: try again in a few minutes */
  | 'greylisted'
  /** too many connections, recipients or messages */
  | 'rate-limited'
  /** a command out of sequence or unknown, or too many of them: the session's error count */
  | 'protocol'
  /** the MAIL FROM address was refused */
  | 'sender-refused'
  /** the recipient address was refused for its syntax (%-hack, bang path, domain literal...) */
  | 'recipient-syntax'
  /** the recipient was refused (unknown user, invalid recipient) */
  | 'recipient-refused'
  | 'other';

export interface Refusal {
  kind: RefusalKind;
  /** 4xx: the server may say yes later */
  temporary: boolean;
  /** the table entry that matched, for readers and tests */
  cause: string;
}

interface Facts {
  code: number;
  enhanced: string | null;
  /** the reply's text, lower case, enhanced codes removed, lines joined by spaces */
  text: string;
  command: 'MAIL' | 'RCPT' | null;
}

interface Rule {
  kind: RefusalKind;
  cause: string;
  when: (f: Facts) => boolean;
}

const status = (f: Facts, pattern: RegExp) => f.enhanced !== null && pattern.test(f.enhanced);
const has = (f: Facts, pattern: RegExp) => pattern.test(f.text);

const RELAY_WORDS = /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|disallowed|not allowed)|unable to relay|not allowed to relay|we do not relay|relay access|i cannot deliver mail for/;
const BLOCKLIST_WORDS = /\bblock ?list|\bblack ?list|blocked using|\bdnsbl\b|\brbl\b|spamhaus|barracuda|spamcop|banned sending ip|(?<!not )\blisted (?:at|in|on|by)\b|ip you're using to send mail is not authorized|reputation/;
const GREYLIST_WORDS = /gr[ae]y-?list|not yet authori[sz]ed to deliver|come back (?:later|in)/;
const RATE_WORDS = /too many (?:connections|recipients|messages|concurrent)|rate limit|\brate\b|throttl|slow down/;
const PROTOCOL_WORDS = /too many (?:syntax or protocol )?errors|need mail before rcpt|sender not yet given|bad sequence|command not recognized|unrecognized command/;
const SYNTAX_WORDS = /restricted characters in address|domain literals? not allowed|bad (?:recipient )?address syntax|invalid address|syntax error|malformed|source route/;
const AUTH_WORDS = /authentication required|must authenticate|not authenticated to send|authentication is required/;
const RECIPIENT_WORDS = /user unknown|unknown user|no such (?:user|mailbox|recipient)|invalid recipient|recipient address rejected|unrouteable address|mailbox unavailable|does not exist/;

const RULES: readonly Rule[] = [
  { kind: 'tls-required', cause: 'STARTTLS required (530 5.7.0 Must issue a STARTTLS command first)', when: (f) => (f.code === 530 || f.code === 538) && has(f, /starttls|\btls\b|encryption required/) },
  { kind: 'auth-required', cause: 'authentication required (530, 5.7.57)', when: (f) => f.code === 530 || status(f, /^5\.7\.57$/) || (status(f, /^5\.7\.0$/) && has(f, /auth/) && !has(f, RELAY_WORDS)) },
  { kind: 'blocklisted', cause: 'client address blocklisted (blocked using, listed at, banned sending IP)', when: (f) => has(f, BLOCKLIST_WORDS) || status(f, /^5\.7\.(?:6(?:0[6-9]|[1-4]\d)|708|750)$/) },
  {
    kind: 'relay-denied', cause: 'relay refused (Relay access denied, relay not permitted, Relaying denied, Unable to relay, 5.7.54, Exim\'s Administrative prohibition at RCPT)',
    when: (f) => has(f, RELAY_WORDS) || status(f, /^5\.7\.54$/) || (f.command !== 'MAIL' && has(f, /^administrative prohibition$/)),
  },
  { kind: 'auth-required', cause: 'authentication required (in words)', when: (f) => has(f, AUTH_WORDS) },
  { kind: 'greylisted', cause: 'greylisting (450/451 4.7.1 greylisted, come back later)', when: (f) => f.code < 500 && (has(f, GREYLIST_WORDS) || (f.enhanced === '4.7.1' && has(f, /later|retry/))) },
  { kind: 'protocol', cause: 'protocol errors (503 Need MAIL before RCPT, 421 too many errors, 500/502 unknown command)', when: (f) => [500, 502, 503, 504].includes(f.code) || has(f, PROTOCOL_WORDS) },
  { kind: 'rate-limited', cause: 'rate limited (421 too many connections, 452 4.5.3 too many recipients)', when: (f) => (f.code < 500 && has(f, RATE_WORDS)) || status(f, /^4\.5\.3$/) },
  { kind: 'sender-refused', cause: 'sender refused (at MAIL, 5.1.7, 5.1.8)', when: (f) => f.command === 'MAIL' || status(f, /^[45]\.1\.[78]$/) || has(f, /sender address rejected|domain of sender address/) },
  { kind: 'recipient-syntax', cause: 'recipient syntax refused (501, 553 5.1.3, restricted characters in address)', when: (f) => f.code === 501 || status(f, /^[45]\.1\.3$/) || has(f, SYNTAX_WORDS) },
  { kind: 'recipient-refused', cause: 'recipient refused (5.1.1, user unknown, invalid recipient)', when: (f) => status(f, /^[45]\.1\.(?:1|2|10)$/) || has(f, RECIPIENT_WORDS) },
  { kind: 'other', cause: 'any other refusal', when: () => true },
];

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}\s*/;

function factsOf(reply: ReplyFact, command: 'MAIL' | 'RCPT' | null): Facts {
  return {
    code: reply.code,
    enhanced: reply.enhanced,
    text: reply.lines.map((l) => l.replace(ENHANCED, '').trim()).join(' ').toLowerCase(),
    command,
  };
}

/** What a 4xx or 5xx reply refuses and why; null for anything else (2xx, 3xx). */
export function classifyRefusal(reply: ReplyFact | null, command: 'MAIL' | 'RCPT' | null = null): Refusal | null {
  if (reply === null || reply.code < 400 || reply.code > 599) return null;
  const f = factsOf(reply, command);
  const rule = RULES.find((r) => r.when(f))!;
  return { kind: rule.kind, temporary: reply.code < 500, cause: rule.cause };
}

/** "a relay refusal", "greylisting"... for messages. */
export const REFUSAL_WORDS: Record<RefusalKind, string> = {
  'relay-denied': 'a relay refusal',
  'auth-required': 'a demand for authentication',
  'tls-required': 'a demand for STARTTLS',
  'blocklisted': 'a blocklist refusal of this client',
  'greylisted': 'greylisting',
  'rate-limited': 'rate limiting',
  'protocol': 'a protocol error',
  'sender-refused': 'a refusal of the sender',
  'recipient-syntax': 'a refusal of the address syntax',
  'recipient-refused': 'a refusal of the recipient',
  'other': 'a refusal',
};
