// What to try when a test send fails: one hint naming the likely real cause and the flag or
// setting to change. The rules are a table, tried in order, the first that matches wins; each
// matches on what is reliable for its kind of failure:
//  - our own stops and socket errors: the failure code (and the stage that was waiting);
//  - server refusals: the reply code (RFC 5321 section 4.2.1), the enhanced status code
//    (RFC 3463; 5.7.x is security or policy, 5.1.x addressing, 5.2.x mailbox, 5.3.x system)
//    and the words MTAs use for each cause, never nodemailer's own error text (which once
//    made "Server response exceeds maximum allowed size" read as a message that was too big).
// Specific causes come before general ones: a blocklist refusal says "5.7.1" like a relay
// refusal, a Gmail rate block says "spam" like a content filter.
import { replyParts } from './smtp-reply-text.ts';
import type { SessionFailure, TlsMode } from './smtp-delivery.ts';

export interface HintContext {
  port: number;
  tls: TlsMode;
  verifyCert: boolean;
  /** --auth was given */
  auth: boolean;
  /** the server accepted our login */
  authenticated: boolean;
  /** the session was encrypted when it failed */
  encrypted: boolean;
}

interface Facts extends HintContext {
  failure: SessionFailure;
  /** the reply code, 0 without a reply */
  code: number;
  enhanced: string | null;
  /** the reply's text, lower case, codes removed */
  text: string;
  /** the first http(s) address in the reply: a blocklist's lookup page, the provider's help page */
  url: string | null;
  stage: string;
}

interface HintRule {
  /** what the rule recognizes (for the tests' table and for readers) */
  cause: string;
  when: (f: Facts) => boolean;
  hint: (f: Facts) => string;
}

const temporary = (f: Facts) => f.code >= 400 && f.code < 500;
const has = (f: Facts, pattern: RegExp) => pattern.test(f.text);
const status = (f: Facts, pattern: RegExp) => f.enhanced !== null && pattern.test(f.enhanced);
const see = (f: Facts) => (f.url ? ` (the server points to ${f.url})` : '');
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT']);
const CLOSED_CODES = new Set(['ECONNRESET', 'ECONNECTION', 'ESOCKET', 'ETLS', 'EPIPE']);

// Blocklists named in rejections (Spamhaus, Barracuda, SpamCop, SORBS, Microsoft's S3140/S3150
// network lists) and the words Postfix ("blocked using"), Exim ("is in a black list at"),
// Sendmail ("listed at"), Microsoft ("banned sending IP", 5.7.606-649, 5.7.708) and Gmail
// (an IP "not authorized to send email directly", its rate block of an IP) use.
const BLOCKLIST_WORDS = /\bblock ?list|\bblack ?list|blocked using|\bdnsbl\b|\brbl\b|spamhaus|barracuda|spamcop|sorbs|\bs3140\b|\bs3150\b|banned sending ip|traffic not accepted from this ip|(?<!not )\blisted (?:at|in|on|by)\b|unusual rate of unsolicited mail originating from your ip|ip you're using to send mail is not authorized|reputation/;
const MS_IP_BLOCK_STATUS = /^5\.7\.(?:6(?:0[6-9]|[1-4]\d)|708|750)$/;
const GREYLIST_WORDS = /gr[ae]y-?list|not yet authori[sz]ed to deliver|come back (?:later|in)/;
const RELAY_WORDS = /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|disallowed|not allowed)|unable to relay|not allowed to relay|we do not relay|administrative prohibition|relay access/;
const SPAM_WORDS = /\bspam\b|unsolicited|\bjunk\b|bulk mail|content (?:filter|rejected|policy)|message content|suspicious|phish|virus|malware|infected|policy reasons|high probability/;
const PTR_WORDS = /ptr record|reverse dns|reverse lookup|cannot find your (?:reverse )?hostname|client host rejected: cannot find|helo command rejected: host not found|does not resolve to your ip/;
const AUTH_GROUNDS_WORDS = /\bspf\b|\bdkim\b|\bdmarc\b|unauthenticated|not authenticated with|sender policy framework|domain'?s dmarc policy|authentication checks/;
const SIZE_WORDS = /message (?:size|too (?:big|large))|size (?:limit|exceeds)|exceeds? (?:the )?(?:maximum|fixed|size)|too (?:big|large)|message length exceeds/;
const MAILBOX_FULL_WORDS = /mailbox (?:is )?full|over ?quota|quota exceeded|insufficient (?:system )?storage|out of storage/;
const UNKNOWN_RECIPIENT_WORDS = /user unknown|unknown user|no such (?:user|mailbox|recipient)|does not exist|doesn't exist|not found|invalid recipient|recipient (?:address )?rejected: (?:user|undeliverable)|mailbox unavailable|unrouteable address/;
const RATE_WORDS = /\brate\b|too many|limit|throttl|busy|volume|concurren|slow down|\btss04\b|deferred due to/;

const RULES: HintRule[] = [
  // --- smtp-audit stopped itself before AUTH (auth-policy.ts) ---
  {
    cause: 'AUTH would have been unencrypted',
    when: (f) => f.failure.code === 'ENOTLS',
    hint: (f) => `${f.tls === 'starttls' ? 'the server did not offer STARTTLS here (or it failed): ' : ''}log in over TLS, on the submission port 587 (STARTTLS) or 465 (--tls implicit); --allow-plaintext-auth sends the password unencrypted (test rigs only)`,
  },
  {
    cause: 'AUTH not offered',
    when: (f) => f.failure.code === 'ENOAUTH',
    hint: (f) => (f.port === 25
      ? 'port 25 is for delivery without a login: leave out --auth, or log in on the submission port (--server host:587, or :465 with --tls implicit)'
      : 'this server does not offer AUTH on this port: submission servers offer it on 587 (STARTTLS) or 465 (--tls implicit); check the host and port'),
  },
  {
    cause: 'no AUTH mechanism in common',
    when: (f) => f.failure.code === 'ENOMECH',
    hint: () => 'choose a mechanism the server offers with --auth-method plain|login, or leave --auth-method out',
  },
  {
    cause: 'a reply over our reply-size limit',
    when: (f) => f.failure.code === 'EREPLYSIZE',
    hint: () => 'the server sent a reply larger than any real server sends: it is broken or hostile; nothing about your message or settings caused this',
  },

  // --- no reply: the connection ---
  {
    cause: 'connection refused',
    when: (f) => f.failure.code === 'ECONNREFUSED',
    hint: (f) => `nothing listens on port ${f.port} there: check the port (25 for MX delivery, 587 for submission with STARTTLS, 465 for implicit TLS)`,
  },
  {
    cause: 'no answer to connect on port 25 (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code) && f.stage === 'CONNECT' && f.port === 25,
    hint: () => 'no answer on port 25: many networks block outgoing port 25; try --server <your submission server>:587 --auth <user>',
  },
  {
    cause: 'no answer to connect (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code) && f.stage === 'CONNECT',
    hint: (f) => `no answer on port ${f.port} within --timeout: a firewall may drop the connection, or the host is down; check the address and port`,
  },
  {
    cause: 'no greeting on port 465 without --tls implicit (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code) && f.stage === 'CONN' && f.port === 465 && f.tls !== 'implicit',
    hint: () => 'port 465 expects TLS from the first byte: add --tls implicit',
  },
  {
    cause: 'no greeting (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code) && f.stage === 'CONN',
    hint: () => 'the server accepted the connection but sent no greeting within --timeout: if it expects TLS first (port 465), use --tls implicit; otherwise it is overloaded or tarpitting (raise --timeout)',
  },
  {
    cause: 'no reply to the end of the message (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code) && f.stage === 'END OF DATA',
    hint: () => 'the message was sent but the server did not answer within --timeout (content scanning can be slow): it may still deliver it; raise --timeout before sending again',
  },
  {
    cause: 'a command got no reply (timeout)',
    when: (f) => TIMEOUT_CODES.has(f.failure.code),
    hint: (f) => `the server stopped answering${f.stage && f.stage !== 'CONN' ? ` after ${f.stage}` : ''} within --timeout: raise --timeout, or check that the port and --tls mode match`,
  },
  {
    cause: 'no route',
    when: (f) => f.failure.code === 'EHOSTUNREACH' || f.failure.code === 'ENETUNREACH',
    hint: () => 'the address is unreachable from here (no route): check the network, or IPv6 connectivity for an IPv6 address',
  },
  {
    cause: 'name not found',
    when: (f) => f.failure.code === 'ENOTFOUND',
    hint: () => 'check the spelling of the domain or --server host name, and --resolver (or map the name with --connect-to)',
  },
  {
    cause: 'TLS protocol mismatch',
    when: (f) => CLOSED_CODES.has(f.failure.code) && f.code === 0 && /wrong version number|packet length too long|unknown protocol|http request/i.test(f.failure.message),
    hint: (f) => (f.tls === 'implicit'
      ? 'the server does not speak TLS on connect here: use --tls starttls (ports 25 and 587), or port 465 for --tls implicit'
      : 'the TLS handshake failed: check the --tls mode for this port (465 is --tls implicit)'),
  },
  {
    cause: 'untrusted certificate',
    when: (f) => CLOSED_CODES.has(f.failure.code) && f.code === 0 && /certificate|self[- ]signed|unable to verify|unable to get|altnames/i.test(f.failure.message),
    hint: () => 'the certificate is not trusted or does not cover this name: if it comes from a private CA, trust that CA with --ca-file <pem>; or drop --verify-cert to send anyway and read the certificate summary',
  },
  {
    // with or without a reply: a 454/500 to STARTTLS under --require-tls, or a handshake that broke
    cause: 'STARTTLS refused or failed',
    when: (f) => CLOSED_CODES.has(f.failure.code) && (f.stage === 'STARTTLS' || /STARTTLS/i.test(f.failure.message)),
    hint: () => 'the server refused or failed STARTTLS: drop --require-tls to send without TLS, or use --tls implicit on port 465',
  },
  {
    cause: 'closed during implicit TLS',
    when: (f) => CLOSED_CODES.has(f.failure.code) && f.code === 0 && f.tls === 'implicit' && !f.encrypted,
    hint: () => 'the connection closed during the TLS handshake: the port may expect STARTTLS (try --tls starttls) or plain SMTP',
  },
  {
    cause: 'closed without a reply',
    when: (f) => CLOSED_CODES.has(f.failure.code) && f.code === 0,
    hint: () => 'the server closed the connection without a reply: it may limit connections from this address, or expect another --tls mode',
  },

  // --- the server said no: the cause is in its reply ---
  {
    cause: 'TLS required first (530 Must issue a STARTTLS command first)',
    when: (f) => (f.code === 530 || f.code === 538) && /starttls|tls|encryption required/.test(f.text),
    hint: () => 'the server wants TLS before this: do not use --tls none; use --tls starttls (or --tls implicit on port 465)',
  },
  {
    cause: 'authentication failed: app password needed (534 5.7.9, 5.7.14)',
    when: (f) => (f.code === 534 || f.code === 535) && (status(f, /^5\.7\.(?:9|14)$/) || has(f, /application-specific password|app password|log in (?:via|with) your web browser/)),
    hint: () => 'the provider wants an app password for SMTP (an account with 2-step verification): create one and put it in SMTP_AUDIT_PASSWORD',
  },
  {
    cause: 'authentication failed: SMTP AUTH disabled for the account (535 5.7.139)',
    when: (f) => f.code === 535 && (status(f, /^5\.7\.139$/) || has(f, /smtpclientauthentication is disabled|basic authentication is disabled/)),
    hint: () => 'the provider has turned off password logins (SMTP AUTH) for this account: an administrator must enable SMTP AUTH for the mailbox (Microsoft 365: per mailbox or tenant); the password itself may be right',
  },
  {
    cause: 'authentication failed: temporary (454 4.7.0)',
    when: (f) => f.code === 454 && (f.stage === 'AUTH' || f.failure.code === 'EAUTH'),
    hint: () => 'the server could not check the credentials just now (454, its authentication backend failed): try again later',
  },
  {
    cause: 'authentication failed: mechanism not supported (504)',
    when: (f) => f.code === 504 && (f.stage === 'AUTH' || f.failure.code === 'EAUTH'),
    hint: () => 'the server does not support that AUTH mechanism: try --auth-method plain or --auth-method login',
  },
  {
    cause: 'authentication failed (535, 534)',
    when: (f) => f.failure.code === 'EAUTH' || f.stage === 'AUTH' || f.code === 535 || (f.code === 534 && status(f, /^5\.7\./)),
    hint: () => 'the server refused the login: check the user name in --auth and the password in SMTP_AUDIT_PASSWORD (some providers need an app password), or try --auth-method login',
  },
  {
    cause: 'PTR / host name checks (450 4.7.1 cannot find your hostname, 550 5.7.25)',
    when: (f) => f.code >= 400 && (has(f, PTR_WORDS) || status(f, /^5\.7\.25$/)),
    hint: () => 'the server checks your sending address\'s reverse DNS: give the sending IP a PTR name that resolves back to it (forward-confirmed), and announce a resolvable name with --helo',
  },
  {
    cause: 'blocklisted sending IP (blocked using, black list, listed at, banned sending IP, S3150)',
    when: (f) => f.code >= 400 && (has(f, BLOCKLIST_WORDS) || status(f, MS_IP_BLOCK_STATUS)),
    hint: (f) => `the server refuses mail from your sending IP address: it is on a blocklist or has a poor reputation${see(f)}. Find the cause (smtp-audit <your domain> --ip <your IP> checks the common lists), fix it and request delisting; meanwhile send through your provider's submission server (--server host:587 --auth <user>)`,
  },
  {
    cause: 'greylisting (450/451 4.7.1 greylisted, try again later)',
    when: (f) => temporary(f) && (has(f, GREYLIST_WORDS) || (f.enhanced === '4.7.1' && has(f, /later|retry/))),
    hint: () => 'greylisting: the server defers senders it has not seen before; a real mail server retries and is accepted after a few minutes. Send again in 5 to 15 minutes (from the same address)',
  },
  {
    cause: 'relay denied (554 5.7.1 Relay access denied, 550 relay not permitted, 5.7.54, Administrative prohibition)',
    when: (f) => f.code >= 400 && (has(f, RELAY_WORDS) || status(f, /^5\.7\.54$/)),
    hint: (f) => (f.authenticated
      ? 'the server refused to relay although you logged in: your account may not be allowed to send as --from / --mail-from, or to that recipient domain'
      : 'the server refused to relay: it takes mail only for its own domains from strangers; log in with --auth on its submission port, or send to the recipient domain\'s own MX (leave out --server)'),
  },
  {
    cause: 'authentication required (530 5.7.0, 5.7.57)',
    when: (f) => f.code === 530 || status(f, /^5\.7\.57$/) || has(f, /authentication required|must authenticate|not authenticated to send|authentication is required/),
    hint: (f) => (f.auth
      ? 'the server still wants authentication: check that --auth is an account on this server'
      : 'the server requires authentication: add --auth <user> (password from SMTP_AUDIT_PASSWORD), on the submission port 587 or 465'),
  },
  {
    cause: 'SPF / DKIM / DMARC failure (5.7.23, 5.7.26, 5.7.27, 5.7.509)',
    when: (f) => f.code >= 400 && (status(f, /^[45]\.7\.(?:23|26|27|509)$/) || has(f, AUTH_GROUNDS_WORDS)),
    hint: () => 'the server refused the message on authentication grounds: check SPF for the --mail-from domain and DKIM/DMARC for the From domain (smtp-audit <domain>), and sign with --dkim-key',
  },
  {
    cause: 'spam or content rejection (550 5.7.1 spam, unsolicited, 5.7.350)',
    when: (f) => f.code >= 400 && (has(f, SPAM_WORDS) || status(f, /^5\.7\.350$/)),
    hint: () => 'the server judged the message to be spam or unwanted content: check SPF, DKIM and DMARC for the From domain (smtp-audit <domain>), sign with --dkim-key, and send realistic content (a bare test message can score as spam)',
  },
  {
    cause: 'recipient mailbox full (452 4.2.2, 552 5.2.2)',
    when: (f) => f.code >= 400 && (status(f, /^[45]\.2\.2$/) || has(f, MAILBOX_FULL_WORDS)),
    hint: () => 'the recipient\'s mailbox is full: nothing to change on your side; try later or another address',
  },
  {
    cause: 'message too big (552 5.3.4, 5.2.3, or above the SIZE the server announced)',
    when: (f) => (f.failure.code === 'EMESSAGE' && f.code === 0) || status(f, /^[45]\.(?:3\.4|2\.3)$/) || (f.code === 552 && has(f, SIZE_WORDS)),
    hint: () => 'the message is too big for this server: send fewer or smaller --attach files',
  },
  {
    cause: 'too many connections, rate limited (421, 450 4.2.1, 452 4.5.3)',
    when: (f) => temporary(f) && has(f, RATE_WORDS),
    hint: () => 'the server limits how much it takes from you (rate, connections or recipients): wait, then send again; do not run many sends at once',
  },
  {
    cause: 'sender address refused (5.1.7, 5.1.8)',
    when: (f) => f.code >= 400 && (f.stage === 'MAIL FROM' || status(f, /^[45]\.1\.[78]$/)) && (status(f, /^[45]\.1\.[78]$/) || has(f, /sender|domain not found|from address/)),
    hint: () => 'the server refused the sender address: use a --mail-from (or --from) whose domain exists and accepts mail',
  },
  {
    cause: 'unknown recipient (550 5.1.1)',
    when: (f) => f.code >= 500 && (status(f, /^5\.1\.(?:1|10)$/) || (f.stage === 'RCPT TO' && has(f, UNKNOWN_RECIPIENT_WORDS))),
    hint: () => 'the recipient address does not exist there: check its spelling, or whether this server handles that domain',
  },
  {
    cause: 'refused at the greeting or EHLO (554)',
    when: (f) => ['CONN', 'EHLO', 'HELO'].includes(f.stage) && f.code >= 500,
    hint: (f) => `the server refuses to talk to this address at all (a refusal ${f.stage === 'CONN' ? 'in its greeting' : `of ${f.stage}`}): your IP may be blocked there, or --helo names a host it does not accept; try from another network or through your submission server`,
  },
  {
    cause: 'temporary refusal',
    when: (f) => temporary(f),
    hint: () => 'a temporary refusal (4xx): the server is busy, rate limiting or greylisting; try again in a few minutes',
  },
  {
    cause: 'recipient refused',
    when: (f) => f.code >= 500 && f.stage === 'RCPT TO',
    hint: () => 'the recipient was refused: check the address, or whether the server handles that domain',
  },
];

function facts(failure: SessionFailure, context: HintContext): Facts {
  const parts = replyParts(failure.reply);
  return {
    ...context,
    failure,
    code: parts.code,
    enhanced: parts.enhanced,
    text: parts.text.toLowerCase(),
    url: /https?:\/\/[^\s<>"')\]]+/i.exec(parts.text)?.[0]?.replace(/[.,;]+$/, '') ?? null,
    stage: failure.command ?? '',
  };
}

/** The hint for a failure, or null when no rule knows its cause. */
export function hintFor(failure: SessionFailure, context: HintContext): string | null {
  const f = facts(failure, context);
  return RULES.find((rule) => rule.when(f))?.hint(f) ?? null;
}

/** Which cause the hint table recognized (for tests and --verbose readers). */
export function causeOf(failure: SessionFailure, context: HintContext): string | null {
  const f = facts(failure, context);
  return RULES.find((rule) => rule.when(f))?.cause ?? null;
}
