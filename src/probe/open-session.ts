// Opening one probe session, step by step, each step timed and bounded by its own timeout:
// 1. connect through env.dialer (so --connect-to and tests can redirect it), options.timeoutMs;
// 2. wait for the greeting (RFC 5321 3.1, 4.3.1), options.greetingTimeoutMs: greet delays
//    (postscreen) are slow on purpose, so this wait is separate and longer;
// 3. EHLO, falling back to HELO when EHLO is refused with 5xx (RFC 5321 4.1.4, 3.2);
// 4. when asked and offered: STARTTLS (RFC 3207 4), the TLS handshake with SNI set to the MX
//    host name and without rejecting any certificate (we judge it, we do not trust it), then
//    EHLO again over TLS (RFC 3207 4.2: the session starts over).
// Every failure becomes data (outcome + error) and the steps done so far stay recorded. It never
// sends anything but EHLO/HELO/STARTTLS; the caller decides what follows.
import net from 'node:net';
import type tls from 'node:tls';
import type { AuditEnv } from '../core/context.ts';
import { SmtpError, SmtpSession } from '../net/smtp/smtp-session.ts';
import type { SmtpReply } from '../net/smtp/reply-reader.ts';
import { announcedHost, ehloFact, probeErrorOf, remoteText, replyFact } from './facts-of.ts';
import { ProbeSession } from './probe-session.ts';
import { inspectTls } from './tls-inspect.ts';
import type { EhloFact, ProbeError, ProbeOutcome, ReplyFact, StartTlsFact, StepFact, TlsFact, TranscriptFact } from './types.ts';

export interface SessionPlan {
  env: AuditEnv;
  address: string;
  port: number;
  /** the MX host name: --connect-to matching, SNI and nothing else; null for a bare address */
  hostname: string | null;
  ehloName: string;
  timeoutMs: number;
  greetingTimeoutMs: number;
  starttls: 'if-offered' | 'none';
  /** extra tls.connect options (minVersion/maxVersion/ciphers for version tries, ca) */
  tlsOptions?: tls.ConnectionOptions;
  /** prefix for step names of extra sessions ("TLSv1 try: ") */
  label?: string;
}

export interface OpenedSession {
  /** the live session when it got at least to EHLO and is still open, else null */
  session: ProbeSession | null;
  outcome: ProbeOutcome;
  error: ProbeError | null;
  banner: ReplyFact | null;
  ehlo: EhloFact | null;
  starttls: StartTlsFact;
  tls: TlsFact | null;
  ehloTls: EhloFact | null;
  steps: StepFact[];
  /** the transcript so far (call again after further commands) */
  transcript(purpose: string): TranscriptFact;
  /** where the dialer really connected */
  destination: string;
}

const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'ENONET']);

function connectFailure(error: unknown, destination: string): { outcome: ProbeOutcome; error: ProbeError } {
  const code = (error as { code?: unknown } | null)?.code;
  const c = typeof code === 'string' ? code : null;
  const message = remoteText(error instanceof Error ? error.message : String(error));
  if (c === 'ECONNREFUSED') return { outcome: 'connect-refused', error: { step: 'connect', kind: 'refused', code: c, message: `connection to ${destination} refused` } };
  if (c === 'ETIMEDOUT') return { outcome: 'connect-timeout', error: { step: 'connect', kind: 'timeout', code: c, message } };
  if (c !== null && NO_ROUTE.has(c)) return { outcome: 'no-route', error: { step: 'connect', kind: 'no-route', code: c, message } };
  return { outcome: 'connect-error', error: { step: 'connect', kind: 'error', code: c, message } };
}

function formatDestination(d: { host: string; port: number }): string {
  return net.isIPv6(d.host) ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}`;
}

export async function openSession(plan: SessionPlan): Promise<OpenedSession> {
  const { env } = plan;
  const clock = env.clock;
  const label = plan.label ?? '';
  const steps: StepFact[] = [];
  const began = clock.monotonicMs();
  const real = env.dialer.destination({ host: plan.address, port: plan.port, hostname: plan.hostname ?? undefined });
  const destination = formatDestination(real);
  const target = formatDestination({ host: plan.address, port: plan.port });
  const via = destination === target ? '' : ` via ${destination}`;
  let smtp: SmtpSession | null = null;
  let connectMs = 0;

  const result: OpenedSession = {
    session: null, outcome: 'completed', error: null, banner: null, ehlo: null,
    starttls: { offered: false, outcome: 'not-tried', reply: null, error: null },
    tls: null, ehloTls: null, steps, destination,
    transcript(purpose) {
      const head = [{ t: 0, dir: '*' as const, text: `connecting to ${target}${via}` }];
      if (smtp === null) return { purpose, entries: head };
      const entries = smtp.transcript().map((e) => ({ ...e, t: e.t + connectMs }));
      return { purpose, entries: [...head, { t: connectMs, dir: '*' as const, text: `connected in ${connectMs} ms` }, ...entries] };
    },
  };

  const timed = async <T>(name: string, run: () => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> => {
    const start = clock.monotonicMs();
    try {
      const value = await run();
      const step: StepFact = { name: `${label}${name}`, ms: Math.round(clock.monotonicMs() - start), ok: true };
      const d = detail?.(value);
      if (d !== undefined) step.detail = d;
      steps.push(step);
      return value;
    } catch (error) {
      steps.push({ name: `${label}${name}`, ms: Math.round(clock.monotonicMs() - start), ok: false, detail: probeErrorOf(error, name).message });
      throw error;
    }
  };
  const stop = (outcome: ProbeOutcome, error: ProbeError): OpenedSession => {
    result.outcome = outcome;
    result.error = error;
    smtp?.close();
    result.session = null;
    return result;
  };

  // 1. connect
  let socket: net.Socket;
  try {
    socket = await timed('connect', () => env.dialer.dial({ host: plan.address, port: plan.port, hostname: plan.hostname ?? undefined, timeoutMs: plan.timeoutMs }));
  } catch (error) {
    const failure = connectFailure(error, destination);
    return stop(failure.outcome, failure.error);
  }
  connectMs = Math.round(clock.monotonicMs() - began);
  smtp = new SmtpSession(socket, { now: () => clock.monotonicMs() });
  const session = new ProbeSession(smtp);

  // 2. greeting
  let greeting: SmtpReply;
  try {
    greeting = await timed('banner', () => session.readGreeting(plan.greetingTimeoutMs), (r) => String(r.code));
  } catch (error) {
    const e = probeErrorOf(error, 'greeting');
    const kind = error instanceof SmtpError ? error.kind : 'error';
    return stop(kind === 'timeout' ? 'greeting-timeout' : kind === 'protocol' ? 'greeting-malformed' : 'greeting-closed', e);
  }
  result.banner = replyFact(greeting);
  if (greeting.code !== 220) {
    // RFC 5321 3.1: after a 554 greeting the client should QUIT; a 421 closes by itself.
    const temporary = greeting.code >= 400 && greeting.code < 500;
    const outcome: ProbeOutcome = temporary ? 'greeting-temporary' : greeting.code >= 500 ? 'greeting-rejected' : 'greeting-malformed';
    if (!temporary) await session.quit(plan.timeoutMs).catch(() => undefined);
    return stop(outcome, { step: 'greeting', kind: 'reply', code: null, message: `greeting ${greeting.code}: ${remoteText(greeting.lines[0] ?? '', 200)}` });
  }

  // 3. EHLO, HELO on 5xx
  const hello = async (over: 'plain' | 'tls'): Promise<EhloFact | ProbeError> => {
    const suffix = over === 'tls' ? ' (TLS)' : '';
    let ehlo: SmtpReply;
    try {
      ehlo = await timed(`EHLO${suffix}`, () => session.command(`EHLO ${plan.ehloName}`, plan.timeoutMs), (r) => String(r.code));
    } catch (error) {
      return probeErrorOf(error, `EHLO${suffix}`);
    }
    if (ehlo.code === 250) return ehloFact(ehlo, 'EHLO', null);
    if (ehlo.code >= 500) {
      let helo: SmtpReply;
      try {
        helo = await timed(`HELO${suffix}`, () => session.command(`HELO ${plan.ehloName}`, plan.timeoutMs), (r) => String(r.code));
      } catch (error) {
        return probeErrorOf(error, `HELO${suffix}`);
      }
      if (helo.code === 250) return ehloFact(helo, 'HELO', ehlo);
      return { step: `HELO${suffix}`, kind: 'reply', code: null, message: `EHLO answered ${ehlo.code} and HELO ${helo.code}: ${remoteText(helo.lines[0] ?? '', 200)}` };
    }
    return { step: `EHLO${suffix}`, kind: 'reply', code: null, message: `EHLO answered ${ehlo.code}: ${remoteText(ehlo.lines[0] ?? '', 200)}` };
  };
  const first = await hello('plain');
  if ('kind' in first) return stop('ehlo-failed', first);
  result.ehlo = first;
  result.starttls.offered = first.starttls;
  result.starttls.outcome = first.starttls ? 'not-tried' : 'not-offered';
  result.session = session;
  if (!first.starttls || plan.starttls === 'none') {
    result.session = session.closed ? null : session;
    return result;
  }

  // 4. STARTTLS, handshake, EHLO again
  let reply: SmtpReply;
  try {
    reply = await timed('STARTTLS', () => session.command('STARTTLS', plan.timeoutMs), (r) => String(r.code));
  } catch (error) {
    result.starttls.outcome = 'error';
    result.starttls.error = probeErrorOf(error, 'STARTTLS');
    result.error = result.starttls.error;
    result.session = null;
    smtp.close();
    return result;
  }
  result.starttls.reply = replyFact(reply);
  if (reply.code !== 220) {
    result.starttls.outcome = 'refused';
    result.starttls.error = { step: 'STARTTLS', kind: 'reply', code: null, message: `STARTTLS answered ${reply.code}: ${remoteText(reply.lines[0] ?? '', 200)}` };
    result.session = session.closed ? null : session;
    return result;
  }
  const serverName = plan.hostname !== null && net.isIP(plan.hostname) === 0 ? plan.hostname.replace(/\.$/, '') : null;
  let secure: tls.TLSSocket;
  try {
    secure = await timed('TLS handshake', () => session.startTls({
      ...plan.tlsOptions,
      ...(serverName === null ? {} : { servername: serverName }),
      rejectUnauthorized: false,
      // authorizationError then says only whether the chain is trusted; the names are checked
      // against every MX host name by the tls/certificate check (cert-names.ts)
      checkServerIdentity: () => undefined,
    }, plan.timeoutMs), (s) => `${s.getProtocol() ?? '?'} ${s.getCipher().name}`);
  } catch (error) {
    const e = probeErrorOf(error, 'TLS handshake');
    result.starttls.outcome = e.kind === 'timeout' ? 'error' : 'handshake-failed';
    result.starttls.error = e;
    result.error = e;
    result.session = null;
    smtp.close();
    return result;
  }
  result.starttls.outcome = 'ok';
  result.tls = inspectTls(secure, serverName);
  const second = await hello('tls');
  if ('kind' in second) {
    result.error = second;
    result.session = null;
    smtp.close();
    return result;
  }
  result.ehloTls = second;
  result.session = session.closed ? null : session;
  return result;
}
