// What the live SMTP probe of one mail server address records. Everything here is plain JSON
// (facts are saved by --save-facts and judged again by --facts), every string that came from
// the server is sanitized and length-bounded, and a probe that dies part-way keeps what it saw:
// each step is timed and the first thing that stopped the probe is in `error`.
import type { TranscriptEntry } from '../net/smtp/transcript.ts';

/** One server reply: code, RFC 3463 enhanced status and its lines (sanitized, bounded). */
export interface ReplyFact {
  code: number;
  enhanced: string | null;
  lines: string[];
}

/**
 * What stopped a step. `kind` follows the SMTP session's error kinds, plus the connect
 * outcomes (refused, no-route) and `reply` for a reply code that ends the session (421).
 */
export interface ProbeError {
  step: string;
  kind: 'timeout' | 'closed' | 'reset' | 'protocol' | 'tls' | 'refused' | 'no-route' | 'reply' | 'error';
  message: string;
  /** errno or OpenSSL code: ECONNREFUSED, ETIMEDOUT, ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION... */
  code: string | null;
}

/** One timed step: connect, banner, EHLO, STARTTLS, TLS handshake, relay, QUIT... */
export interface StepFact {
  name: string;
  ms: number;
  ok: boolean;
  detail?: string;
}

/**
 * How the probe of one address ended. Distinct outcomes are the point: a blocked port, a
 * rate limit and a server that does not speak SMTP must never look like "no STARTTLS".
 * - completed: 220 greeting and an EHLO (or HELO) answer; later steps may still have failed.
 * - connect-refused / connect-timeout / no-route / connect-error: no TCP connection.
 * - greeting-timeout: connected, no complete greeting within the greeting timeout (tarpit,
 *   greet delay longer than --greeting-timeout, or a middlebox swallowing port 25).
 * - greeting-closed: the connection ended before a complete greeting.
 * - greeting-temporary: a 4xx greeting (421: busy, rate limited): try again later.
 * - greeting-rejected: a 5xx greeting (554: this client is refused).
 * - greeting-malformed: the greeting broke the reply syntax or its size limits.
 * - ehlo-failed: a 220 greeting, then neither EHLO nor HELO was answered with 250.
 */
export type ProbeOutcome =
  | 'completed'
  | 'connect-refused' | 'connect-timeout' | 'no-route' | 'connect-error'
  | 'greeting-timeout' | 'greeting-closed' | 'greeting-temporary' | 'greeting-rejected' | 'greeting-malformed'
  | 'ehlo-failed';

export interface EhloFact {
  /** EHLO, or HELO after the server refused EHLO with 5xx (RFC 5321 4.1.4 fallback) */
  command: 'EHLO' | 'HELO';
  reply: ReplyFact;
  /** the refused EHLO reply when HELO was used */
  ehloRefused: ReplyFact | null;
  /** the host name the server gives on the first reply line */
  domain: string | null;
  /** keyword (uppercase) -> parameters */
  extensions: Record<string, string[]>;
  /** SASL mechanisms offered (AUTH and the legacy AUTH= form), uppercase */
  auth: string[];
  starttls: boolean;
  pipelining: boolean;
}

export interface CertFact {
  /** distinguished names on one line ("CN=mx.example.com, O=Example"), sanitized */
  subject: string;
  issuer: string;
  /** the subject common name, or null */
  commonName: string | null;
  /** subjectAltName entries as Node prints them: "DNS:mx.example.com", "IP Address:192.0.2.1" */
  subjectAltNames: string[];
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  fingerprint256: string;
  /** subject equals issuer (a root, or a self-signed leaf) */
  selfIssued: boolean;
  ca: boolean;
  /** "EC P-256", "RSA 2048"... */
  publicKey: string;
  /** the DER certificate, base64: DANE matching (full certificate or SPKI) is done over it */
  der: string;
}

export interface TlsFact {
  protocol: string;
  cipher: string;
  /** the IANA name when OpenSSL knows it */
  cipherStandardName: string | null;
  /** the ephemeral key exchange: "X25519", "ECDH P-256", "DH 2048" */
  keyExchange: string | null;
  /** the SNI we sent (the MX host name), or null */
  serverName: string | null;
  /** OpenSSL's verdict against the trust store, at the time of the probe */
  authorized: boolean;
  authorizationError: string | null;
  /** the chain as presented (leaf first), completed by the trust store where it could */
  chain: CertFact[];
}

export interface StartTlsFact {
  /** STARTTLS was in the plaintext EHLO reply */
  offered: boolean;
  /**
   * not-offered; ok: handshake done; refused: STARTTLS answered with something other than
   * 220; handshake-failed: the TLS handshake failed; error: the session died around it
   * (timeout, close) so nothing is known; not-tried: the probe stopped earlier.
   */
  outcome: 'not-offered' | 'ok' | 'refused' | 'handshake-failed' | 'error' | 'not-tried';
  reply: ReplyFact | null;
  error: ProbeError | null;
}

export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface VersionTry {
  /** accepted / refused by the server, or untested (the connection failed before the handshake) */
  result: 'accepted' | 'refused' | 'untested';
  /** how it was learned: the main handshake, or a separate connection limited to that version */
  via: 'main-handshake' | 'separate-connection';
  detail: string | null;
}

export interface VersionsFact {
  versions: Partial<Record<TlsVersionName, VersionTry>>;
  highest: TlsVersionName | null;
  lowest: TlsVersionName | null;
}

export interface RelayTry {
  /** which address form (see src/probe/relay-forms.ts) */
  form: string;
  /** sender forms vary MAIL FROM; recipient forms vary RCPT TO after an accepted sender */
  varies: 'sender' | 'recipient';
  mailFrom: string;
  rcptTo: string;
  mail: ReplyFact | null;
  /** null: RCPT was not sent (MAIL was refused, or the session ended first) */
  rcpt: ReplyFact | null;
  /**
   * accepted: RCPT got 2xx, the server agreed to relay; refused: RCPT got 5xx or a relay
   * refusal with a temporary code (454 "Relay access denied"), or, for a sender form, MAIL got
   * 5xx (the server refuses that very sender, so it cannot relay from it); deferred: another
   * 4xx (greylisting, rate limit); untested: the server never judged the form (MAIL refused for
   * a recipient form, MAIL deferred, no sender accepted, or the session ended first).
   */
  outcome: 'accepted' | 'refused' | 'deferred' | 'untested';
  /** why the form is untested, when it is */
  untested: string | null;
  /** the session it ran in, from 1 */
  session: number;
  /** same as outcome === 'accepted' (kept for saved facts) */
  accepted: boolean;
}

export interface RelayFact {
  /** the tries ran over TLS (STARTTLS worked) or in plaintext */
  over: 'tls' | 'plaintext';
  pipelined: boolean;
  from: string;
  to: string;
  /** the sender the recipient forms used: the first outside sender the server accepted; null when none was */
  sender: string | null;
  tries: RelayTry[];
  /** forms never put on the wire because the sessions ended (after reconnecting as far as allowed) */
  untried: string[];
  /**
   * open: some form was accepted; closed: every form was judged and refused;
   * auth-required: 530 / 5.7.0 authentication required; deferred: nothing accepted, some
   * answers only temporary (greylisting, rate limit); incomplete: some forms were never judged.
   */
  verdict: 'open' | 'closed' | 'auth-required' | 'deferred' | 'incomplete';
  /**
   * After an accepted form: RCPT TO an obviously invalid local recipient, from the accepted
   * sender. Accepted too means the server takes every recipient and may discard (or bounce)
   * later. `mail` is the answer to that transaction's MAIL; when it was refused, `reply` is null.
   */
  acceptsAll: { recipient: string; mail?: ReplyFact | null; reply: ReplyFact | null; accepted: boolean } | null;
  error: ProbeError | null;
  /** sessions the test used; it spreads the forms over short sessions to stay under the server's error limits */
  sessions: number;
  /** the error limits assumed for this server (src/probe/relay-limits.ts) */
  limits: { family: string; rules: Array<{ budget: number; counts: string; per: string }> };
  /** sessions reopened because the server ended one unexpectedly (not the planned ones) */
  reconnects: number;
}

/** The MTA families the fingerprint knows (src/probe/mta-fingerprint.ts). */
export type MtaFamily = 'postfix' | 'exim' | 'sendmail' | 'opensmtpd' | 'haraka' | 'exchange' | 'gmail' | 'unknown';

/**
 * Which mail server software answered, when its replies show it. `confidence`: high when the
 * server names itself (banner, EHLO, Gmail's "gsmtp" tag); medium when a reply text or EHLO
 * keyword only that software uses by default gives it away; low for a weaker hint; none for
 * unknown. `source` says which reply it came from and `evidence` is that reply line.
 */
export interface MtaFingerprint {
  family: MtaFamily;
  /** as the server printed it ("4.96", "8.17.1.9", "3.3.4"), or null */
  version: string | null;
  /** a distribution or build the server names ("Debian/GNU", "Ubuntu", "Debian-2+deb12u2"), or null */
  platform: string | null;
  confidence: 'high' | 'medium' | 'low' | 'none';
  /** banner, EHLO, EHLO (TLS), STARTTLS, MAIL, RCPT, QUIT; null when unknown */
  source: string | null;
  /** the reply line it was recognised from ('' when unknown) */
  evidence: string;
}

export interface TranscriptFact {
  purpose: string;
  entries: TranscriptEntry[];
}

export interface SmtpAddressProbe {
  address: string;
  family: 4 | 6;
  /** MX host names of this address (or the PTR names of an IP target) */
  hosts: string[];
  port: number;
  /** where the connection really went (after --connect-to), ip:port */
  destination: string;
  startedAt: string;
  durationMs: number;
  outcome: ProbeOutcome;
  /** the first failure that stopped the main session early, or null */
  error: ProbeError | null;
  banner: ReplyFact | null;
  /** the first word of the 220 greeting: the host name the server announces */
  bannerHost: string | null;
  ehlo: EhloFact | null;
  starttls: StartTlsFact;
  tls: TlsFact | null;
  /** the EHLO answer over TLS */
  ehloTls: EhloFact | null;
  versions: VersionsFact | null;
  /** null when the relay test was disabled or could not start (see relayNotRun) */
  relay: RelayFact | null;
  /** why the relay test did not run: disabled, or the session ended before it could start */
  relayNotRun: string | null;
  steps: StepFact[];
  /** the main session; each line timed from the connect */
  transcript: TranscriptFact;
  /** the short extra sessions: TLS version tries, relay reconnects */
  otherTranscripts: TranscriptFact[];
  /** the MTA software, recognised from the replies (absent in facts saved before it existed) */
  mta?: MtaFingerprint;
}
