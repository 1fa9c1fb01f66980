// The live probe of one mail server address. Wire steps, each timed, each with its timeout:
// 1. main session (open-session.ts): connect, banner, EHLO (HELO on 5xx), STARTTLS when
//    offered, TLS handshake (SNI = MX host name), EHLO over TLS;
// 2. the open-relay test on that session (relay-test.ts), unless disabled; when the TLS
//    handshake failed it runs on a fresh plaintext session instead, since that is what a
//    sender falls back to (also when the handshake stalls until the timeout); it stops at RCPT
//    and never sends DATA;
// 3. QUIT;
// 4. when STARTTLS was offered: short sessions limited to TLS 1.0, 1.1 (and 1.2 when the main
//    handshake did not show it), one after another (tls-versions.ts).
// 5. the MTA fingerprint, from the replies seen (mta-fingerprint.ts): no extra command.
// Connections to one address never overlap (the caller, probe-cache.ts, serializes them).
// It never sends AUTH, DATA or BDAT, and never follows a redirect of any kind.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import type { AuditEnv, AuditOptions } from '../core/context.ts';
import { announcedHost } from './facts-of.ts';
import { usableServerName, relayForms } from './relay-forms.ts';
import { openSession, type OpenedSession, type SessionPlan } from './open-session.ts';
import { relayLimitsFor } from './relay-limits.ts';
import { runRelayTest, type RelaySession } from './relay-test.ts';
import { summarizeVersions, tryVersion, versionsFromMainHandshake } from './tls-versions.ts';
import { fingerprintMta, observationsOf } from './mta-fingerprint.ts';
import type { RelayFact, SmtpAddressProbe, StartTlsFact, StepFact, TlsVersionName, TranscriptFact } from './types.ts';

export interface AddressProbeRequest {
  address: string;
  family: 4 | 6;
  /** MX host names of the address (first one: SNI and --connect-to matching) */
  hosts: string[];
  /** a domain the server receives mail for (the audited domain), for the accept-all check */
  localDomain: string | null;
}

/** How many times the relay test reopens a session the server ended unexpectedly. */
const RELAY_RECONNECTS = 2;
/** Sessions the relay test may use in all: 16 forms at one refusal per session, the accept-all check, reconnects. */
const RELAY_MAX_SESSIONS = 20;

function trustOptions(options: AuditOptions): tls.ConnectionOptions {
  if (options.caCertificates.length === 0) return {};
  return { ca: [...tls.getCACertificates('default'), ...options.caCertificates] };
}

export async function probeAddress(env: AuditEnv, options: AuditOptions, request: AddressProbeRequest): Promise<SmtpAddressProbe> {
  const clock = env.clock;
  const startedAt = clock.now().toISOString();
  const began = clock.monotonicMs();
  const base: SessionPlan = {
    env,
    address: request.address,
    port: options.port,
    hostname: request.hosts[0] ?? null,
    ehloName: options.ehloName,
    timeoutMs: options.timeoutMs,
    greetingTimeoutMs: options.greetingTimeoutMs,
    starttls: 'if-offered',
    tlsOptions: trustOptions(options),
  };
  const steps: StepFact[] = [];
  const otherTranscripts: TranscriptFact[] = [];
  const timedStep = async (name: string, run: () => Promise<unknown>): Promise<void> => {
    const start = clock.monotonicMs();
    let ok = true;
    try { await run(); } catch { ok = false; }
    steps.push({ name, ms: Math.round(clock.monotonicMs() - start), ok });
  };

  // 1. the main session
  const main = await openSession(base);
  steps.push(...main.steps);

  // 2. the relay test
  let relay: RelayFact | null = null;
  let relayNotRun: string | null = null;
  if (!options.relay) {
    relayNotRun = 'the open-relay test is disabled (--no-relay)';
  } else if (main.outcome !== 'completed') {
    relayNotRun = 'the server could not be reached far enough to try';
  } else {
    const handshakeFailed = tlsHandshakeFailed(main.starttls);
    let start: OpenedSession | null = main.session === null ? null : main;
    let extra: OpenedSession | null = null;
    if (start === null && handshakeFailed) {
      // A sender whose handshake fails (or stalls past its timeout) delivers in plaintext: test what it would meet there.
      extra = await openSession({ ...base, starttls: 'none', label: 'relay session: ' });
      steps.push(...extra.steps);
      start = extra.session === null ? null : extra;
    }
    if (start === null || start.session === null) {
      relayNotRun = main.error
        ? `the session ended before the relay test (${main.error.step}: ${main.error.message})`
        : 'the session ended before the relay test';
      if (extra) otherTranscripts.push(extra.transcript('relay test (plaintext, after the TLS handshake failed)'));
    } else {
      const over: 'tls' | 'plaintext' = start.tls !== null ? 'tls' : 'plaintext';
      const ehlo = start.ehloTls ?? start.ehlo;
      const serverName = usableServerName(main.ehlo?.domain) ?? usableServerName(main.banner ? announcedHost(main.banner.lines[0]) : null) ?? usableServerName(request.hosts[0]);
      const reopened: OpenedSession[] = [];
      const startedRelay = clock.monotonicMs();
      // the step goes in now, so that it comes before the QUIT of the main session the test may end
      const relayStep: StepFact = { name: 'relay test', ms: 0, ok: true };
      steps.push(relayStep);
      // the error limits of the server's family, as far as its greeting and EHLO tell
      const family = fingerprintMta(observationsOf({ banner: main.banner, ehlo: main.ehlo, ehloTls: main.ehloTls, starttls: main.starttls, relay: null, transcript: { purpose: '', entries: [] } })).family;
      relay = await runRelayTest({
        start: { session: start.session!, pipelining: ehlo?.pipelining === true },
        over,
        from: options.relayFrom,
        to: options.relayTo,
        forms: relayForms({ from: options.relayFrom, to: options.relayTo, address: request.address, serverName }),
        invalidLocalRecipient: invalidRecipient(request.localDomain ?? serverName),
        timeoutMs: options.timeoutMs,
        limits: relayLimitsFor(family),
        maxSessions: RELAY_MAX_SESSIONS,
        maxReconnects: RELAY_RECONNECTS,
        endStart: () => timedStep(start === main ? 'QUIT' : 'relay session: QUIT', () => start!.session!.quit(options.timeoutMs)),
        openSession: async (): Promise<RelaySession | null> => {
          const again = await openSession({ ...base, starttls: over === 'tls' ? 'if-offered' : 'none', label: `relay session ${reopened.length + 2}: ` });
          reopened.push(again);
          steps.push(...again.steps);
          if (again.session === null) return null;
          const e = again.ehloTls ?? again.ehlo;
          return { session: again.session, pipelining: e?.pipelining === true };
        },
      });
      Object.assign(relayStep, { ms: Math.round(clock.monotonicMs() - startedRelay), ok: relay.verdict !== 'incomplete', detail: `${relay.tries.length} forms in ${relay.sessions} session${relay.sessions === 1 ? '' : 's'}, ${relay.verdict}` });
      // the relay test ended (QUIT) every session it opened, and the main one when it moved on
      for (const [i, s] of reopened.entries()) otherTranscripts.push(s.transcript(`relay test, session ${i + 2}`));
      if (extra !== null) {
        if (extra.session !== null && !extra.session.closed) await timedStep('relay session: QUIT', () => extra!.session!.quit(options.timeoutMs));
        otherTranscripts.push(extra.transcript('relay test (plaintext, after the TLS handshake failed)'));
      }
    }
  }

  // 3. QUIT
  if (main.session !== null && !main.session.closed) {
    await timedStep('QUIT', () => main.session!.quit(options.timeoutMs));
  } else {
    main.session?.close();
  }
  const transcript = main.transcript('main session');

  // 4. TLS versions
  let versions = null;
  if (main.ehlo?.starttls) {
    const known = versionsFromMainHandshake(main.tls?.protocol ?? null);
    const toTry: TlsVersionName[] = ['TLSv1', 'TLSv1.1'];
    if (known['TLSv1.2'] === undefined) toTry.push('TLSv1.2');
    for (const version of toTry) {
      const result = await tryVersion(base, version);
      known[version] = result.result;
      steps.push(...result.steps);
      otherTranscripts.push(result.transcript);
    }
    versions = summarizeVersions(known);
  }

  return {
    address: request.address,
    family: request.family,
    hosts: request.hosts,
    port: options.port,
    destination: main.destination,
    startedAt,
    durationMs: Math.round(clock.monotonicMs() - began),
    outcome: main.outcome,
    error: main.error,
    banner: main.banner,
    bannerHost: main.banner ? announcedHost(main.banner.lines[0]) : null,
    ehlo: main.ehlo,
    starttls: main.starttls,
    tls: main.tls,
    ehloTls: main.ehloTls,
    versions,
    relay,
    relayNotRun,
    steps,
    transcript,
    otherTranscripts,
    mta: fingerprintMta(observationsOf({ banner: main.banner, ehlo: main.ehlo, ehloTls: main.ehloTls, starttls: main.starttls, relay, transcript })),
  };
}

/**
 * STARTTLS was answered 220 and the handshake then failed, or stalled until the timeout (a
 * middlebox that swallows the ClientHello, a server that never answers it). Either way a
 * sender's opportunistic TLS gives up there and it delivers in plaintext: RFC 3207 section 4.1
 * leaves that to the client, and Postfix (smtp_tls_security_level = may, postconf(5)) and Exim
 * (tls_tempfail_tryclear, on by default) reconnect and deliver in clear.
 */
function tlsHandshakeFailed(s: StartTlsFact): boolean {
  return s.outcome === 'handshake-failed' || (s.outcome === 'error' && s.error?.step === 'TLS handshake');
}

function invalidRecipient(domain: string | null): string | null {
  const d = usableServerName(domain);
  if (d === null) return null;
  return `smtp-audit-no-such-user-${randomBytes(5).toString('hex')}@${d}`;
}
