// check_host() for one real sending IP (RFC 7208 4), evaluated by mailauth in strict mode
// through our DNS seam. The walker (walk-spf.ts) answers "what does the policy cost and where is
// it broken" without a client; this answers "what does a receiver say for mail from this IP".
// mailauth's strict mode follows RFC 7208 to the letter: whole-record syntax validation before
// evaluation, void lookups counted for the client's address family only, the 10-lookup and
// 2-void limits. Its result and its own explanation are kept as plain JSON.

import { spf } from 'mailauth/lib/spf/index.js';
import type { DnsResolver } from '../net/dns/types.ts';
import type { SpfResult } from './spf-types.ts';

/** RFC 7208 4.6.4: an evaluation MAY be limited in time; at least 20 seconds. */
export const CHECK_HOST_TIME_LIMIT_MS = 20_000;

export interface CheckHostInput {
  ip: string;
  /** The MAIL FROM address; '' checks the HELO identity (a null reverse-path, RFC 7208 2.4). */
  sender: string;
  helo: string;
  /** Our host name, used by mailauth in its comment and for the %{r} macro of explanations. */
  mta: string;
}

export interface CheckHostResult {
  ip: string;
  sender: string;
  helo: string;
  result: SpfResult;
  /** mailauth's sentence on the result, e.g. "x: domain of a@b designates 192.0.2.1 as permitted sender" or the permerror reason. */
  comment: string | null;
  /** The domain's own explanation (exp=, RFC 7208 6.2), set on fail only. Third-party text. */
  explanation: string | null;
  /** mailauth's counters: lookup-limit terms evaluated, and void lookups. */
  lookups: { count: number; limit: number; void: number } | null;
  /** The record mailauth evaluated, when it got that far. */
  record: string | null;
  /** The Received-SPF header field a receiver would add (RFC 7208 9.1). */
  header: string | null;
  /** Set when mailauth threw instead of returning a result; result is then temperror. */
  error: string | null;
}

const RESULTS: readonly SpfResult[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror'];

function toResult(value: string): SpfResult {
  if (value === 'temperr') return 'temperror';
  return (RESULTS as readonly string[]).includes(value) ? (value as SpfResult) : 'temperror';
}

/** Runs check_host() for one IP with mailauth (strict), asking DNS only through `resolver`. */
export async function checkHost(resolver: DnsResolver, input: CheckHostInput): Promise<CheckHostResult> {
  const base = { ip: input.ip, sender: input.sender, helo: input.helo };
  try {
    const response = await spf({
      sender: input.sender,
      ip: input.ip,
      helo: input.helo,
      mta: input.mta,
      strict: true,
      maxElapsedTime: CHECK_HOST_TIME_LIMIT_MS,
      resolver: (name: string, type: string) => resolver.resolve(name, type as never) as Promise<string[]>,
    });
    const lookups = response.lookups;
    return {
      ...base,
      result: toResult(response.status.result),
      comment: response.status.comment ?? null,
      explanation: response.explanation ?? null,
      lookups: lookups ? { count: lookups.count, limit: lookups.limit, void: lookups.void } : null,
      record: response.rr ?? null,
      header: response.header ?? null,
      error: null,
    };
  } catch (error) {
    // mailauth turns DNS failures into results itself; a throw is a fault in the evaluation, which tells nothing about the domain.
    return {
      ...base, result: 'temperror', comment: null, explanation: null, lookups: null, record: null, header: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
