// What a server's answer to MAIL or RCPT means for the open-relay test.
//
// RFC 5321 4.2.1: 2yz is acceptance, 5yz a permanent refusal, 4yz "try again later". A relay
// refusal is sometimes given with a 4yz code on purpose: Debian's Postfix ships
// `smtpd_relay_restrictions = ... defer_unauth_destination`, which answers
// "454 4.7.1 <x>: Relay access denied" so that a configuration mistake defers mail instead of
// bouncing it. That reply is still a refusal to relay: no client can make the server relay by
// retrying. Other 4yz answers (greylisting, rate limits, a temporary lookup failure) say
// nothing yet: those forms count as deferred, not refused.
import { classifyRefusal } from './refusal-kind.ts';
import type { ReplyFact } from './types.ts';

export type RcptOutcome = 'accepted' | 'refused' | 'deferred';

/** "Relay access denied", "Relaying denied", "relay not permitted", 5.7.54 ...: refusal-kind.ts has the table. */
export function isRelayRefusal(reply: ReplyFact): boolean {
  return classifyRefusal(reply, 'RCPT')?.kind === 'relay-denied';
}

/** 530 5.7.0 "Authentication required" (RFC 4954 6), or a refusal that asks for AUTH. */
export function isAuthenticationRequired(reply: ReplyFact | null): boolean {
  return reply !== null && reply.code >= 500 && classifyRefusal(reply, null)?.kind === 'auth-required';
}

/** The meaning of the server's answer to one relay RCPT. */
export function classifyRcpt(reply: ReplyFact): RcptOutcome {
  if (reply.code >= 200 && reply.code < 300) return 'accepted';
  if (reply.code >= 500) return 'refused';
  if (reply.code === 421) return 'deferred'; // the server is closing the session: nothing was judged
  return isRelayRefusal(reply) ? 'refused' : 'deferred';
}

export const is2xx = (reply: ReplyFact | null): boolean => reply !== null && reply.code >= 200 && reply.code < 300;
export const is5xx = (reply: ReplyFact | null): boolean => reply !== null && reply.code >= 500;
