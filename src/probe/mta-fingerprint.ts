// Which mail server software answered: Postfix, Exim, Sendmail, OpenSMTPD, Haraka, Microsoft
// Exchange or Gmail, recognised from what the probe already saw (the 220 greeting, both EHLO
// replies, the STARTTLS, MAIL and RCPT replies of the relay test, the 221 reply to QUIT). Pure:
// no I/O, no extra command is ever sent to learn it. It lets the checks write their remediation
// for that software (src/checks/remediation-by-mta.ts) and the report say what runs there.
//
// Every rule below is a default text of that software, taken from its source or its manual,
// never a guess at what administrators configure:
// - Postfix: smtpd_banner "$myhostname ESMTP $mail_name" (postconf.5); smtpd.c answers MAIL with
//   "250 2.1.0 Ok", RCPT with "250 2.1.5 Ok"; smtpd_check.c refuses relaying with
//   "<rcpt>: Relay access denied" (554 5.7.1, or 454 4.7.1 from defer_unauth_destination).
// - Exim: smtp_banner "$smtp_active_hostname ESMTP Exim $version_number $tod_full" (spec, main
//   options); smtp_in.c: EHLO "<host> Hello <name> [<ip>]", RCPT "250 Accepted", QUIT
//   "221 <host> closing connection", an ACL deny without a message "Administrative
//   prohibition"; tls-gnu.c and tls-openssl.c: "220 TLS go ahead"; configure.default (and
//   Debian's exim4.conf.template): "relay not permitted"; PIPE_CONNECT and PRDR keywords.
// - Sendmail: SmtpGreetingMessage "$j Sendmail $v/$Z; $b" (cf/README); srvrsmtp.c: EHLO
//   "... pleased to meet you", "<addr>... Sender ok", "<addr>... Recipient ok", DELIVERBY and
//   VERB keywords; proto.m4: "Relaying denied".
// - OpenSMTPD: SMTPD_BANNER "220 %s ESMTP OpenSMTPD" (smtpd.h); smtp_session.c: EHLO "... pleased
//   to meet you" with only 8BITMIME, ENHANCEDSTATUSCODES, SIZE, DSN, STARTTLS, AUTH, HELP; MAIL
//   "250 2.0.0 Ok"; RCPT "250 2.1.5 Destination address valid: Recipient ok"; lka_session.c
//   "550 Invalid recipient".
// - Haraka (connection.js, config/connection.ini): banner "<host> ESMTP Haraka/<version> ready",
//   EHLO "Haraka is at your service.", MAIL "250 sender <a> OK", RCPT "550 I cannot deliver mail
//   for <a>", QUIT "closing connection. Have a jolly good day."; plugins/tls.js "220 Go ahead.".
// - Microsoft Exchange (learn.microsoft.com, "Use Telnet to test SMTP communication"): "Microsoft
//   ESMTP MAIL Service ready at <date>", EHLO X-ANONYMOUSTLS / X-EXPS / XEXCH50 / XRDST /
//   XSHADOW, "250 2.1.0 Sender OK", "250 2.1.5 Recipient OK", "220 2.0.0 SMTP server ready",
//   "221 2.0.0 Service closing transmission channel".
// - Gmail: every reply ends with " - gsmtp"; EHLO "mx.google.com at your service, [<ip>]".
// Texts several programs share ("221 2.0.0 Bye" is Postfix and OpenSMTPD, "220 2.0.0 Ready to
// start TLS" Postfix, Sendmail and OpenSMTPD) are not used.
import type { MtaFamily, MtaFingerprint, ReplyFact, SmtpAddressProbe } from './types.ts';

export type MtaConfidence = MtaFingerprint['confidence'];

/** One reply the probe saw, and which command it answered. */
export interface MtaObservation {
  /** banner, EHLO (or HELO), EHLO (TLS), STARTTLS, MAIL, RCPT, QUIT */
  source: string;
  reply: ReplyFact;
}

interface Hint {
  family: Exclude<MtaFamily, 'unknown'>;
  confidence: Exclude<MtaConfidence, 'none'>;
  /** the commands whose replies this rule reads */
  sources: readonly string[];
  /** tested against each reply line as "<code> <text>" */
  line?: RegExp;
  /** tested against the whole reply (EHLO keywords) */
  reply?: (reply: ReplyFact) => string | null;
  /** the version, from the line's match */
  version?: (m: RegExpExecArray) => string | null;
  platform?: (m: RegExpExecArray) => string | null;
}

const BANNER = ['banner'];
const EHLO = ['EHLO', 'HELO', 'EHLO (TLS)'];
const ANY = ['banner', ...EHLO, 'STARTTLS', 'MAIL', 'RCPT', 'QUIT'];

/** EHLO keywords of a reply (the lines after the first), uppercase. */
function keywords(reply: ReplyFact): string[] {
  return reply.lines.slice(1).map((l) => (l.trim().split(/[ =]/)[0] ?? '').toUpperCase());
}

function ehloKeyword(names: readonly string[]): (reply: ReplyFact) => string | null {
  return (reply) => {
    const i = reply.lines.findIndex((l, n) => n > 0 && names.includes((l.trim().split(/[ =]/)[0] ?? '').toUpperCase()));
    return i < 0 ? null : `${reply.code} ${reply.lines[i]}`;
  };
}

// OpenSMTPD's EHLO reply has exactly these keywords; Sendmail's adds PIPELINING and others.
const OPENSMTPD_KEYWORDS = new Set(['8BITMIME', 'ENHANCEDSTATUSCODES', 'SIZE', 'DSN', 'STARTTLS', 'AUTH', 'HELP']);
const PLEASED = /^250 \S+ Hello .* pleased to meet you$/;

const HINTS: readonly Hint[] = [
  // --- the server names itself ---
  { family: 'gmail', confidence: 'high', sources: ANY, line: / - gsmtp$/ },
  { family: 'gmail', confidence: 'high', sources: BANNER, line: /^220 mx\.google\.com ESMTP\b/ },
  {
    family: 'postfix', confidence: 'high', sources: [...BANNER, ...EHLO], line: /\bESMTP Postfix\b(?: ?\(?v?(\d+\.\d+(?:\.\d+)?)\)?)?(?: ?\(([^)]*[A-Za-z][^)]*)\))?/,
    version: (m) => m[1] ?? null, platform: (m) => m[2] ?? null,
  },
  {
    family: 'exim', confidence: 'high', sources: [...BANNER, ...EHLO], line: /\bE?SMTP Exim\b(?: (\d+\.\d+(?:[._]\d+)*))?/,
    version: (m) => m[1] ?? null, platform: (m) => /\((Debian package [^)]+)\)/.exec(m.input)?.[1] ?? /\b(Debian|Ubuntu)\b/.exec(m.input)?.[1] ?? null,
  },
  {
    family: 'sendmail', confidence: 'high', sources: [...BANNER, ...EHLO], line: /\bSendmail\b(?: (\d+\.\d+(?:\.\d+)*)(?:\/[^/;\s]*(?:\/([^;\s]+))?)?)?/,
    version: (m) => m[1] ?? null, platform: (m) => m[2] ?? null,
  },
  { family: 'opensmtpd', confidence: 'high', sources: [...BANNER, ...EHLO], line: /\bOpenSMTPD\b/ },
  { family: 'haraka', confidence: 'high', sources: [...BANNER, ...EHLO], line: /\bHaraka(?:[/ ]v?(\d+\.\d+(?:\.\d+)?))?\b/, version: (m) => m[1] ?? null },
  {
    family: 'exchange', confidence: 'high', sources: BANNER, line: /\bMicrosoft ESMTP MAIL Service\b(?:, Version: (\d+(?:\.\d+)+))?/,
    version: (m) => m[1] ?? null,
  },

  // --- a default reply text or EHLO keyword only that software uses ---
  { family: 'gmail', confidence: 'medium', sources: EHLO, line: /^250 \S+ at your service, \[[^\]]+\]$/ },
  { family: 'exchange', confidence: 'medium', sources: EHLO, reply: ehloKeyword(['X-ANONYMOUSTLS', 'X-EXPS', 'XEXCH50', 'XRDST', 'XSHADOW', 'XSHADOWREQUEST']) },
  { family: 'exim', confidence: 'medium', sources: EHLO, reply: ehloKeyword(['PIPE_CONNECT', 'X_PIPE_CONNECT']) },
  { family: 'sendmail', confidence: 'medium', sources: EHLO, reply: ehloKeyword(['DELIVERBY', 'VERB']) },
  {
    family: 'opensmtpd', confidence: 'medium', sources: EHLO,
    reply: (r) => {
      const first = `${r.code} ${r.lines[0] ?? ''}`;
      const k = keywords(r);
      return PLEASED.test(first) && k.length > 0 && k.at(-1) === 'HELP' && k.every((w) => OPENSMTPD_KEYWORDS.has(w)) ? first : null;
    },
  },
  {
    family: 'sendmail', confidence: 'medium', sources: EHLO,
    reply: (r) => {
      const first = `${r.code} ${r.lines[0] ?? ''}`;
      return PLEASED.test(first) && keywords(r).some((w) => w === 'PIPELINING' || w === 'EXPN' || w === 'ETRN') ? first : null;
    },
  },
  { family: 'exim', confidence: 'medium', sources: ['STARTTLS'], line: /^220 TLS go ahead$/ },
  { family: 'haraka', confidence: 'medium', sources: ['STARTTLS'], line: /^220 Go ahead\.$/ },
  { family: 'exchange', confidence: 'medium', sources: ['STARTTLS'], line: /^220 2\.0\.0 SMTP server ready$/ },
  { family: 'postfix', confidence: 'medium', sources: ['MAIL'], line: /^250 2\.1\.0 Ok$/ },
  { family: 'postfix', confidence: 'medium', sources: ['RCPT'], line: /^250 2\.1\.5 Ok$/ },
  { family: 'postfix', confidence: 'medium', sources: ['RCPT'], line: /^[45]\d\d [45]\.7\.1 <[^>]*>: Relay access denied$/ },
  { family: 'exim', confidence: 'medium', sources: ['RCPT'], line: /^250 Accepted$/ },
  { family: 'exim', confidence: 'medium', sources: ['RCPT'], line: /^550 relay not permitted$/ },
  { family: 'exim', confidence: 'medium', sources: ['MAIL', 'RCPT'], line: /^5\d\d Administrative prohibition$/ },
  { family: 'sendmail', confidence: 'medium', sources: ['MAIL'], line: /^250 2\.1\.0 \S*\.\.\. Sender ok$/ },
  { family: 'sendmail', confidence: 'medium', sources: ['RCPT'], line: /^250 2\.1\.5 \S*\.\.\. Recipient ok$/ },
  { family: 'sendmail', confidence: 'medium', sources: ['RCPT'], line: /^5\d\d 5\.7\.1 \S*\.\.\. Relaying denied\b/ },
  { family: 'opensmtpd', confidence: 'medium', sources: ['RCPT'], line: /^250 2\.1\.5 Destination address valid: Recipient ok$/ },
  { family: 'haraka', confidence: 'medium', sources: ['MAIL'], line: /^250 sender <[^>]*> OK$/ },
  { family: 'haraka', confidence: 'medium', sources: ['RCPT'], line: /^(?:250 recipient <[^>]*> OK|550 I cannot deliver mail for <[^>]*>)$/ },
  { family: 'haraka', confidence: 'medium', sources: ['QUIT'], line: /^221 \S+ closing connection\. Have a jolly good day\.$/ },
  { family: 'exchange', confidence: 'medium', sources: ['MAIL'], line: /^250 2\.1\.0 Sender OK$/ },
  { family: 'exchange', confidence: 'medium', sources: ['RCPT'], line: /^(?:250 2\.1\.5 Recipient OK|550 5\.7\.54 SMTP; Unable to relay recipient in non-accepted domain)$/ },
  { family: 'exchange', confidence: 'medium', sources: ['QUIT'], line: /^221 2\.0\.0 (?:\S+ )?Service closing transmission channel$/ },

  // --- weaker hints: a default text another program could also print ---
  { family: 'exim', confidence: 'low', sources: EHLO, line: /^250 \S+ Hello \S+ \[[^\]]+\]$/ },
  { family: 'exim', confidence: 'low', sources: EHLO, reply: ehloKeyword(['PRDR']) },
  { family: 'exim', confidence: 'low', sources: ['QUIT'], line: /^221 \S+ closing connection$/ },
  { family: 'sendmail', confidence: 'low', sources: ['QUIT'], line: /^221 2\.0\.0 \S+ closing connection$/ },
  { family: 'opensmtpd', confidence: 'low', sources: ['MAIL'], line: /^250 2\.0\.0 Ok$/ },
  { family: 'opensmtpd', confidence: 'low', sources: ['RCPT'], line: /^550 Invalid recipient: <[^>]*>$/ },
];

const RANK: Record<MtaConfidence, number> = { high: 3, medium: 2, low: 1, none: 0 };

export const UNKNOWN_MTA: MtaFingerprint = { family: 'unknown', version: null, platform: null, confidence: 'none', source: null, evidence: '' };

interface Match { hint: Hint; observation: number; evidence: string; version: string | null; platform: string | null }

function matchesOf(observations: readonly MtaObservation[]): Match[] {
  const found: Match[] = [];
  observations.forEach((o, index) => {
    for (const hint of HINTS) {
      if (!hint.sources.includes(o.source)) continue;
      if (hint.reply) {
        const evidence = hint.reply(o.reply);
        if (evidence !== null) found.push({ hint, observation: index, evidence, version: null, platform: null });
        continue;
      }
      for (const text of o.reply.lines) {
        const line = `${o.reply.code} ${text}`;
        const m = hint.line!.exec(line);
        if (!m) continue;
        found.push({ hint, observation: index, evidence: line, version: hint.version?.(m) ?? null, platform: hint.platform?.(m) ?? null });
        break;
      }
    }
  });
  return found;
}

/**
 * The MTA behind the replies. The family with the strongest hint wins (then the one with more
 * hints, then the one seen first); its version and platform come from any of its hints.
 */
export function fingerprintMta(observations: readonly MtaObservation[]): MtaFingerprint {
  const matches = matchesOf(observations);
  if (matches.length === 0) return { ...UNKNOWN_MTA };
  const byFamily = new Map<string, Match[]>();
  for (const m of matches) byFamily.set(m.hint.family, [...(byFamily.get(m.hint.family) ?? []), m]);
  const strongest = (list: Match[]): Match => list.reduce((a, b) => (RANK[b.hint.confidence] > RANK[a.hint.confidence] ? b : a));
  const ranked = [...byFamily.values()].sort((a, b) =>
    RANK[strongest(b).hint.confidence] - RANK[strongest(a).hint.confidence]
    || b.length - a.length
    || strongest(a).observation - strongest(b).observation);
  const winner = ranked[0]!;
  const best = strongest(winner);
  return {
    family: best.hint.family,
    version: winner.find((m) => m.version !== null)?.version ?? null,
    platform: winner.find((m) => m.platform !== null)?.platform ?? null,
    confidence: best.hint.confidence,
    source: observations[best.observation]!.source,
    evidence: best.evidence,
  };
}

const REPLY_LINE = /^(\d{3})[ -]?(.*)$/;

/**
 * The replies of a probe, in the order the fingerprint prefers them: what the server says of
 * itself first (banner, EHLO), then the replies to the relay test and to QUIT (the 221 line is
 * read from the main session's transcript, where it is the reply after our QUIT).
 */
export function observationsOf(p: Pick<SmtpAddressProbe, 'banner' | 'ehlo' | 'ehloTls' | 'starttls' | 'relay' | 'transcript'>): MtaObservation[] {
  const out: MtaObservation[] = [];
  const add = (source: string, reply: ReplyFact | null | undefined) => { if (reply) out.push({ source, reply }); };
  add('banner', p.banner);
  add(p.ehlo?.command ?? 'EHLO', p.ehlo?.reply);
  add('EHLO (TLS)', p.ehloTls?.reply);
  add('STARTTLS', p.starttls.reply);
  for (const t of p.relay?.tries ?? []) {
    add('MAIL', t.mail);
    add('RCPT', t.rcpt);
  }
  add('RCPT', p.relay?.acceptsAll?.reply);
  const entries = p.transcript.entries;
  const quit = entries.findLastIndex((e) => e.dir === 'C' && /^QUIT$/i.test(e.text));
  const answer = quit < 0 ? undefined : entries.slice(quit + 1).find((e) => e.dir === 'S');
  const m = answer ? REPLY_LINE.exec(answer.text) : null;
  if (m) add('QUIT', { code: Number(m[1]), enhanced: null, lines: [m[2]!] });
  return out;
}

/** The fingerprint of a probe: the one recorded with it, or (for facts saved before it existed) worked out from its replies. */
export function mtaOf(p: SmtpAddressProbe): MtaFingerprint {
  return p.mta ?? fingerprintMta(observationsOf(p));
}

export const MTA_NAMES: Record<MtaFamily, string> = {
  postfix: 'Postfix',
  exim: 'Exim',
  sendmail: 'Sendmail',
  opensmtpd: 'OpenSMTPD',
  haraka: 'Haraka',
  exchange: 'Microsoft Exchange',
  gmail: 'Gmail (Google Workspace)',
  unknown: 'unknown',
};

/** "Exim 4.96" */
export function mtaName(fp: MtaFingerprint): string {
  return `${MTA_NAMES[fp.family]}${fp.version ? ` ${fp.version}` : ''}`;
}

/** "the banner", "the MAIL reply" */
export function sourceWords(source: string | null): string {
  if (source === null) return 'its replies';
  if (source === 'banner') return 'the banner';
  return `the ${source} reply`;
}

/**
 * One line for notes: "Postfix (from the banner: "220 mx.example.com ESMTP Postfix (Debian/GNU)")",
 * "probably Exim (from the RCPT reply: "550 relay not permitted")", "not recognised".
 */
export function describeMta(fp: MtaFingerprint): string {
  if (fp.family === 'unknown') return 'MTA not recognised (neither the banner nor the other replies name it)';
  const lead = fp.confidence === 'high' ? '' : fp.confidence === 'medium' ? 'probably ' : 'possibly ';
  const platform = fp.platform ? `, ${fp.platform}` : '';
  return `${lead}${mtaName(fp)}${platform} (from ${sourceWords(fp.source)}: "${fp.evidence}")`;
}
