// The audit environment: the three I/O seams (DNS, sockets, clock) and the run options.
// Built once by the CLI (or by a caller of audit()) and swapped wholesale in tests.
import type { DnsResolver } from '../net/dns/types.ts';
import type { Dialer } from '../net/dial.ts';
import type { Clock } from '../net/clock.ts';
import type { ProbeCache } from '../probe/probe-cache.ts';

export interface AuditOptions {
  /** SMTP port to probe (default 25) */
  port: number;
  /** per network operation, ms */
  timeoutMs: number;
  /** wait for the SMTP greeting, ms (postscreen/greet delays wait many seconds) */
  greetingTimeoutMs: number;
  /** DKIM selectors to try besides discovery */
  selectors: string[];
  /** sending IPs to evaluate SPF for and to look up on blocklists */
  ips: string[];
  /** skip live SMTP probes */
  smtp: boolean;
  /** run the open-relay test */
  relay: boolean;
  /** the name we announce in EHLO */
  ehloName: string;
  /** address families the live probe connects to (-4/--ipv4-only, -6/--ipv6-only); DNS checks see both */
  probeFamilies: Array<4 | 6>;
  /** SMTP probe connections open at once over the whole run (--smtp-concurrency); the limit of
   * the env's probe scheduler is set when the env is made (createAuditEnv), this one is used
   * only for an env built without one */
  smtpConcurrency: number;
  /** the outside sender and recipient of the open-relay test (--relay-from, --relay-to) */
  relayFrom: string;
  relayTo: string;
  /** extra CA certificates (PEM) trusted besides Node's bundled roots when judging MX certificates (--ca-file) */
  caCertificates: string[];
  /** extra blocklists and whether to keep the shipped ones */
  dnsbls: string[];
  defaultDnsbls: boolean;
  /** settings for later checks, keyed by area; plain JSON. `trustedCa` (PEM string[]): CAs the MTA-STS policy fetch trusts (in-process tests, the demo) */
  extra: Record<string, unknown>;
}

export const DEFAULT_OPTIONS: AuditOptions = {
  port: 25,
  timeoutMs: 5000,
  greetingTimeoutMs: 30000,
  selectors: [],
  ips: [],
  smtp: true,
  relay: true,
  ehloName: 'smtp-audit.invalid',
  smtpConcurrency: 8,
  probeFamilies: [4, 6],
  relayFrom: 'relay-test@example.net',
  relayTo: 'relay-test@example.org',
  caCertificates: [],
  dnsbls: [],
  defaultDnsbls: true,
  extra: {},
};

export interface AuditEnv {
  resolver: DnsResolver;
  dialer: Dialer;
  clock: Clock;
  /** diagnostics for --verbose; never remote secrets */
  debug?: (line: string) => void;
  /**
   * The run's SMTP probe scheduler and cache (src/probe/probe-cache.ts): one per run, made by
   * createAuditEnv, so every target of the run (whatever the input source, --zone included,
   * whose per-target views of the env copy this field) shares one cache, never more than one
   * connection per address at a time and at most --smtp-concurrency connections overall. An env
   * built by hand without one gets one on first use, kept for that env object.
   */
  probes?: ProbeCache;
  /** The run's deadline (--deadline, src/core/deadline.ts): aborted when it is reached. */
  deadline?: AbortSignal;
}
