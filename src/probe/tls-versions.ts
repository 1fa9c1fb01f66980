// Which TLS versions a server accepts. The main handshake offers what a current sender offers
// (TLS 1.2 and 1.3, Node's defaults) and tells the highest version. Older versions are tried in
// separate short sessions, each limited to one version (minVersion = maxVersion) with OpenSSL's
// security level 0, so our own OpenSSL does not refuse what we want to know the server accepts.
// RFC 8996 sections 2 and 3 forbid TLS 1.0 and 1.1. A session that fails before the handshake
// (rate limit, timeout) leaves the version untested rather than refused.
import { openSession, type SessionPlan } from './open-session.ts';
import type { TlsVersionName, TranscriptFact, VersionTry, VersionsFact, StepFact } from './types.ts';

export const VERSION_ORDER: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** Errors raised by our own TLS stack refusing the configuration: nothing was learned about the server. */
const LOCAL_TLS_ERRORS = /^(ERR_SSL_NO_PROTOCOLS_AVAILABLE|ERR_SSL_NO_CIPHERS_AVAILABLE|ERR_TLS_INVALID_PROTOCOL_VERSION|ERR_TLS_PROTOCOL_VERSION_CONFLICT)$/;

export interface VersionTryResult {
  version: TlsVersionName;
  result: VersionTry;
  steps: StepFact[];
  transcript: TranscriptFact;
}

export async function tryVersion(base: SessionPlan, version: TlsVersionName): Promise<VersionTryResult> {
  const opened = await openSession({
    ...base,
    starttls: 'if-offered',
    tlsOptions: { ...base.tlsOptions, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' },
    label: `${version} try: `,
  });
  let result: VersionTry;
  if (opened.starttls.outcome === 'ok') {
    result = { result: 'accepted', via: 'separate-connection', detail: `${opened.tls?.protocol ?? version} ${opened.tls?.cipher ?? ''}`.trim() };
  } else if (opened.starttls.outcome === 'handshake-failed' && !LOCAL_TLS_ERRORS.test(opened.starttls.error?.code ?? '')) {
    result = { result: 'refused', via: 'separate-connection', detail: opened.starttls.error?.code ?? opened.starttls.error?.message ?? null };
  } else {
    const why = opened.starttls.error ?? opened.error;
    result = { result: 'untested', via: 'separate-connection', detail: why ? `${why.step}: ${why.message}` : `STARTTLS ${opened.starttls.outcome}` };
  }
  if (opened.session !== null) {
    const session = opened.session;
    const start = base.env.clock.monotonicMs();
    await session.quit(base.timeoutMs).catch(() => undefined);
    opened.steps.push({ name: `${version} try: QUIT`, ms: Math.round(base.env.clock.monotonicMs() - start), ok: true });
  }
  return { version, result, steps: opened.steps, transcript: opened.transcript(`${version} only (TLS version test)`) };
}

/** Versions from the main handshake: the one negotiated, and TLS 1.3 refused when 1.2 was chosen. */
export function versionsFromMainHandshake(protocol: string | null): Partial<Record<TlsVersionName, VersionTry>> {
  const out: Partial<Record<TlsVersionName, VersionTry>> = {};
  if (protocol === null || !(VERSION_ORDER as readonly string[]).includes(protocol)) return out;
  const v = protocol as TlsVersionName;
  out[v] = { result: 'accepted', via: 'main-handshake', detail: null };
  if (v === 'TLSv1.2') {
    out['TLSv1.3'] = { result: 'refused', via: 'main-handshake', detail: 'the client offered TLS 1.3 and the server chose TLS 1.2' };
  }
  return out;
}

export function summarizeVersions(versions: Partial<Record<TlsVersionName, VersionTry>>): VersionsFact {
  const accepted = VERSION_ORDER.filter((v) => versions[v]?.result === 'accepted');
  return { versions, highest: accepted.at(-1) ?? null, lowest: accepted[0] ?? null };
}
