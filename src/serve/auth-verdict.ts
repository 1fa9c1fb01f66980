// Verifying one message with mailauth and keeping what a person (or a CI job) needs from the
// answer as plain JSON: the SPF result for the connecting address (RFC 7208), every DKIM
// signature with its domain and selector (RFC 6376, RFC 8463), DMARC with which identifier
// aligned (RFC 7489 section 3.1), the ARC chain (RFC 8617) and BIMI. Shared by `serve` (on
// arrival) and `inspect` (a saved message). mailauth itself is loaded only in the verification
// worker (verify-worker.ts), when a message is verified: the rest of this file is plain shapes.
import type mailauth from 'mailauth';
import type { DnsResolver } from '../net/dns/types.ts';

export interface SpfVerdict {
  /** false when there was no client address to evaluate (inspect without --ip or trace headers) */
  evaluated: boolean;
  result: string;
  /** the domain checked: the MAIL FROM domain, or the HELO name for a null sender */
  domain: string | null;
  clientIp: string | null;
  helo: string | null;
  mailFrom: string | null;
  record: string | null;
  comment: string | null;
}

export interface DkimVerdict {
  result: string;
  domain: string | null;
  selector: string | null;
  algorithm: string | null;
  canonicalization: string | null;
  /** the signing domain when it aligns with the From domain (relaxed unless adkim=s) */
  aligned: string | null;
  comment: string | null;
  /** the key record found in DNS */
  record: string | null;
  keyBits: number | null;
  /** key record has t=y (RFC 6376 section 3.6.1) */
  testing: boolean;
}

export interface DmarcVerdict {
  result: string;
  /** the From (author) domain */
  fromDomain: string | null;
  policy: string | null;
  policyDomain: string | null;
  record: string | null;
  spfAligned: string | null;
  dkimAligned: string | null;
  comment: string | null;
}

export interface AuthVerdict {
  spf: SpfVerdict;
  dkim: DkimVerdict[];
  dmarc: DmarcVerdict;
  arc: { result: string; instance: number | null; comment: string | null };
  bimi: { result: string; location: string | null; authority: string | null; comment: string | null };
  /** the Authentication-Results (RFC 8601) and Received-SPF header fields, CRLF-terminated */
  headers: string;
  /**
   * why nothing could be determined (the time budget ran out, the worker failed), null when the
   * message was verified; every result is then temperror
   */
  error: string | null;
}

export interface VerifyInput {
  message: Buffer;
  /** the connecting address; null: SPF is not evaluated */
  clientIp: string | null;
  helo: string | null;
  /** MAIL FROM ('' is the null reverse-path) */
  mailFrom: string | null;
  /** authserv-id for Authentication-Results */
  authservId: string;
  resolver: Pick<DnsResolver, 'resolve'>;
}

type MailauthResolver = NonNullable<mailauth.AuthenticateOptions['resolver']>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Run mailauth's authenticate in strict mode (every check follows its RFC exactly). */
export async function verifyMessage(input: VerifyInput): Promise<AuthVerdict> {
  const { default: mailauth } = await import('mailauth');
  const resolver: MailauthResolver = (name, type) => input.resolver.resolve(name, type as never) as ReturnType<MailauthResolver>;
  const options: mailauth.AuthenticateOptions = { resolver, mta: input.authservId, strict: true };
  if (input.clientIp) options.ip = input.clientIp;
  if (input.helo) options.helo = input.helo;
  if (input.mailFrom !== null) options.sender = input.mailFrom;
  const result = await mailauth.authenticate(input.message, options);

  const spfResult = result.spf;
  const spf: SpfVerdict = input.clientIp && spfResult
    ? {
      evaluated: true,
      result: spfResult.status.result,
      domain: text(spfResult.domain),
      clientIp: input.clientIp,
      helo: input.helo,
      mailFrom: input.mailFrom,
      record: text(spfResult.rr),
      comment: text(spfResult.status.comment),
    }
    : { evaluated: false, result: 'none', domain: null, clientIp: null, helo: input.helo, mailFrom: input.mailFrom, record: null, comment: 'not evaluated: the client address is not known' };

  // An unsigned message comes back as one placeholder row (dkim=none, "message not signed").
  const signatures = (result.dkim?.results ?? []).filter((row) => row.signingDomain || row.status.result !== 'none');
  const dkim: DkimVerdict[] = signatures.map((row) => ({
    result: row.status.result,
    domain: text(row.signingDomain),
    selector: text(row.selector),
    algorithm: text(row.algo),
    canonicalization: text(row.format),
    aligned: text(row.status.aligned),
    comment: text(row.status.comment),
    record: text(row.rr),
    keyBits: typeof row.modulusLength === 'number' ? row.modulusLength : (row.algo?.startsWith('ed25519') && row.status.result === 'pass' ? 256 : null),
    testing: row.status.testing === true,
  }));

  const d = result.dmarc;
  const dmarc: DmarcVerdict = d
    ? {
      result: d.status.result,
      fromDomain: text(d.status.header?.from) ?? text(d.domain),
      policy: text(d.policy),
      policyDomain: text(d.policyDomain),
      record: text(d.rr),
      spfAligned: text(d.alignment?.spf?.result),
      dkimAligned: text(d.alignment?.dkim?.result),
      comment: text(d.status.comment) ?? text(d.error),
    }
    : {
      result: 'none', fromDomain: null, policy: null, policyDomain: null, record: null, spfAligned: null, dkimAligned: null,
      comment: text((result as { dmarcSkipReason?: unknown }).dmarcSkipReason) ?? 'no DMARC record for the From domain',
    };

  const a = result.arc;
  const arc = a
    ? { result: a.status.result, instance: typeof a.i === 'number' && a.i > 0 ? a.i : null, comment: text(a.status.comment) }
    : { result: 'none', instance: null, comment: null };
  const b = result.bimi;
  const bimi = b
    ? { result: b.status.result, location: text(b.location), authority: text(b.authority), comment: text(b.status.comment) }
    : { result: 'none', location: null, authority: null, comment: null };

  return { spf, dkim, dmarc, arc, bimi, headers: result.headers, error: null };
}

/** RFC 8601 section 2.2: a comment may hold any text but unbalanced parentheses and line breaks. */
const commentText = (text: string) => text.replace(/[()\\\r\n]+/g, ' ').trim();

/**
 * The verdict of a message that could not be verified: every method temperror (RFC 8601 section
 * 2.7: "a transient error"; RFC 7489 section 11.2 for DMARC), with the reason in each comment and
 * in `error`. SPF stays unevaluated when there was no client address to evaluate.
 */
export function unverifiedVerdict(input: Omit<VerifyInput, 'message' | 'resolver'>, reason: string): AuthVerdict {
  const comment = reason;
  const spfEvaluated = input.clientIp !== null;
  const spf: SpfVerdict = {
    evaluated: spfEvaluated, result: spfEvaluated ? 'temperror' : 'none', domain: null, clientIp: input.clientIp,
    helo: input.helo, mailFrom: input.mailFrom, record: null, comment: spfEvaluated ? comment : 'not evaluated: the client address is not known',
  };
  const dkim: DkimVerdict[] = [{ result: 'temperror', domain: null, selector: null, algorithm: null, canonicalization: null, aligned: null, comment, record: null, keyBits: null, testing: false }];
  const dmarc: DmarcVerdict = { result: 'temperror', fromDomain: null, policy: null, policyDomain: null, record: null, spfAligned: null, dkimAligned: null, comment };
  // ARC (RFC 8617) registers only none, pass and fail for Authentication-Results, so it is left
  // out of the field; the JSON verdict still says it was not determined.
  const note = `(${commentText(reason)})`;
  const methods = [...(spfEvaluated ? [`spf=temperror ${note}`] : []), `dkim=temperror ${note}`, `dmarc=temperror ${note}`];
  const headers = `Authentication-Results: ${input.authservId};\r\n ${methods.join(';\r\n ')}\r\n`;
  return {
    spf, dkim, dmarc,
    arc: { result: 'temperror', instance: null, comment },
    bimi: { result: 'temperror', location: null, authority: null, comment },
    headers,
    error: reason,
  };
}

/** One word for DKIM over all signatures: pass when any passes, else the first result, none when unsigned. */
export function dkimSummary(dkim: DkimVerdict[]): string {
  if (dkim.length === 0) return 'none';
  if (dkim.some((s) => s.result === 'pass')) return 'pass';
  return dkim[0]!.result;
}

/**
 * The verdict words put in the server's 250 reply, `spf=pass dkim=pass dmarc=pass`, so a
 * sender sees them in its own transcript. `parseReplyVerdicts` reads them back.
 */
export function replyVerdicts(verdict: AuthVerdict): string {
  return `spf=${verdict.spf.evaluated ? verdict.spf.result : 'none'} dkim=${dkimSummary(verdict.dkim)} dmarc=${verdict.dmarc.result}`;
}

export interface ReplyVerdicts { spf: string; dkim: string; dmarc: string }

export function parseReplyVerdicts(reply: string): ReplyVerdicts | null {
  const m = /\bspf=([a-z]+)\s+dkim=([a-z]+)\s+dmarc=([a-z]+)\b/.exec(reply);
  return m ? { spf: m[1]!, dkim: m[2]!, dmarc: m[3]! } : null;
}
