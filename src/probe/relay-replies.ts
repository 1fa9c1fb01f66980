// What a server's answer to MAIL or RCPT means for the open-relay test.
//
// RFC 5321 4.2.1: 2yz is acceptance, 5yz a permanent refusal, 4yz "try again later". A relay
// refusal is sometimes given with a 4yz code on purpose: Debian's Postfix ships
// `smtpd_relay_restrictions = ... defer_unauth_destination`, which answers
// "454 4.7.1 <x>: Relay access denied" so that a configuration mistake defers mail instead of
// bouncing it. That reply is still a refusal to relay: no client can make the server relay by
// retrying. Other 4yz answers (greylisting, rate limits, a temporary lookup failure) say
// nothing yet: those forms count as deferred, not refused.
import type { ReplyFact } from './types.ts';

export type RcptOutcome = 'accepted' | 'refused' | 'deferred';

const text = (reply: ReplyFact): string => reply.lines.join(' ');

/** "Relay access denied", "Relaying denied", "relay not permitted", "Relaying prohibited", 5.7.54 ... */
export function isRelayRefusal(reply: ReplyFact): boolean {
  const t = text(reply);
  // RFC 7372 3.2: 5.7.54 "Unable to relay"; Exchange says "Unable to relay" too
  if (reply.enhanced === '5.7.54' || reply.enhanced === '4.7.54') return true;
  return /\brelay(?:ing)?\b[^.]*\b(?:denied|not permitted|not allowed|prohibited|refused|rejected|forbidden)\b|\b(?:unable|not allowed|not authori[sz]ed|denied)\b[^.]*\bto relay\b/i.test(t)
    || /\bAdministrative prohibition\b/i.test(t); // Exim's default text for an ACL `deny`/`require` without a message
}

/** 530 5.7.0 "Authentication required" (RFC 4954 6), or a 5.7.0/5.7.1 refusal that asks for AUTH. */
export function isAuthenticationRequired(reply: ReplyFact | null): boolean {
  if (reply === null) return false;
  if (reply.code === 530) return true;
  return reply.code >= 500 && (reply.enhanced === '5.7.0' || reply.enhanced === '5.7.1') && /\bauth(?:entication|enticate)?\b/i.test(text(reply));
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
