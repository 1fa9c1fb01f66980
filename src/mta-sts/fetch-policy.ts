// Fetching an MTA-STS policy the way a sending MTA must (RFC 8461 section 3.3), through the
// audit's seams so tests and --connect-to can point it at a loopback server:
// 1. A and AAAA of mta-sts.<domain> through env.resolver (never the system resolver);
// 2. a TCP connection to port 443 of the first address that answers, through env.dialer;
// 3. TLS with SNI mta-sts.<domain>, verifying the certificate against the trust anchors
//    (RFC 8461 3.3: valid for the host per RFC 6125, chained to a trusted root, not expired);
// 4. one HTTP/1.1 GET of /.well-known/mta-sts.txt. Only 200 counts and 3xx redirects are not
//    followed (3.3); the media type must be text/plain (3.2); the body is capped at 64 KiB
//    (a policy is a few lines; RFC 8461 3.3 lets senders bound the fetch, and the cap keeps a
//    hostile server from feeding the audit without end); the whole exchange is bounded by the
//    timeout (3.3 suggests senders impose one).
// Every failure is data in the result, never a throw.
import http from 'node:http';
import type net from 'node:net';
import tls from 'node:tls';
import type { LookupFact } from '../core/facts.ts';
import type { Clock } from '../net/clock.ts';
import type { Dialer } from '../net/dial.ts';
import { lookupFact, pickAddress } from '../net/dns/lookup-fact.ts';
import type { DnsResolver } from '../net/dns/types.ts';
import { VERSION } from '../version.ts';

export const MTA_STS_POLICY_PATH = '/.well-known/mta-sts.txt';
export const MTA_STS_POLICY_MAX_BYTES = 64 * 1024;

export type PolicyFetchOutcome =
  | 'ok'              // 200, text/plain, body within the cap
  | 'no-address'      // mta-sts.<domain> has no A/AAAA (NXDOMAIN or NODATA)
  | 'dns-error'       // its address lookups failed (timeout, SERVFAIL)
  | 'connect'         // no address accepted a TCP connection
  | 'timeout'         // no complete answer in time
  | 'certificate'     // the certificate did not verify (name, chain, dates)
  | 'tls'             // the TLS handshake failed for another reason
  | 'redirect'        // a 3xx answer, which must not be followed
  | 'http-status'     // another status than 200
  | 'content-type'    // 200 but not text/plain
  | 'too-large'       // the body exceeded the cap
  | 'protocol';       // the HTTP exchange broke (reset, garbage)

export interface PolicyCertificate {
  subject: string | null;
  issuer: string | null;
  altNames: string[];
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface PolicyFetchFact {
  url: string;
  host: string;
  a: LookupFact<string>;
  aaaa: LookupFact<string>;
  /** the address that accepted the connection, and where the dialer really sent it */
  address: string | null;
  destination: string | null;
  outcome: PolicyFetchOutcome;
  /** what went wrong, one sentence, when outcome is not ok */
  error: string | null;
  /** Node/OpenSSL error code (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID, ...) */
  errorCode: string | null;
  status: number | null;
  location: string | null;
  contentType: string | null;
  /** the body as text, when a 200 answer was read within the cap */
  body: string | null;
  bytes: number | null;
  certificate: PolicyCertificate | null;
  tlsVersion: string | null;
  ms: number;
}

export interface PolicyFetchRequest {
  domain: string;
  resolver: DnsResolver;
  dialer: Dialer;
  clock: Clock;
  timeoutMs: number;
  /** PEM trust anchors (see trust-store.ts) */
  ca: string[];
  maxBytes?: number;
}

// OpenSSL verification results and Node's host name check: the certificate itself is the problem.
const CERTIFICATE_ERRORS = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'CERT_CHAIN_TOO_LONG',
  'INVALID_CA', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

/** RFC 8461 3.2: the policy is served as text/plain (parameters such as charset allowed). */
export function isTextPlain(contentType: string | null): boolean {
  if (contentType === null) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === 'text/plain';
}

function summarizeCertificate(cert: tls.PeerCertificate): PolicyCertificate | null {
  if (!cert || Object.keys(cert).length === 0) return null;
  const name = (field: unknown): string | null => {
    const cn = (field as { CN?: string | string[] } | undefined)?.CN;
    return Array.isArray(cn) ? cn.join(', ') : cn ?? null;
  };
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    altNames: (cert.subjectaltname ?? '').split(/,\s*/).filter((s) => s !== ''),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    fingerprint256: cert.fingerprint256,
  };
}

function errorCode(error: unknown): string | null {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? null;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function fetchMtaStsPolicy(request: PolicyFetchRequest): Promise<PolicyFetchFact> {
  const { domain, resolver, dialer, clock, timeoutMs, ca } = request;
  const maxBytes = request.maxBytes ?? MTA_STS_POLICY_MAX_BYTES;
  const host = `mta-sts.${domain}`;
  const began = clock.monotonicMs();
  const [aAnswer, aaaaAnswer] = await Promise.all([resolver.query(host, 'A'), resolver.query(host, 'AAAA')]);
  const fact: PolicyFetchFact = {
    url: `https://${host}${MTA_STS_POLICY_PATH}`,
    host,
    a: lookupFact(aAnswer, pickAddress),
    aaaa: lookupFact(aaaaAnswer, pickAddress),
    address: null,
    destination: null,
    outcome: 'ok',
    error: null,
    errorCode: null,
    status: null,
    location: null,
    contentType: null,
    body: null,
    bytes: null,
    certificate: null,
    tlsVersion: null,
    ms: 0,
  };
  const done = (patch: Partial<PolicyFetchFact>): PolicyFetchFact =>
    Object.assign(fact, patch, { ms: Math.round(clock.monotonicMs() - began) });

  const addresses = [...fact.a.values, ...fact.aaaa.values];
  if (addresses.length === 0) {
    const failed = [fact.a, fact.aaaa].find((l) => l.outcome === 'error');
    return failed
      ? done({ outcome: 'dns-error', error: `the address lookups for ${host} failed (${failed.error ?? 'error'})` })
      : done({ outcome: 'no-address', error: `${host} has no A or AAAA record (${fact.a.outcome.toUpperCase()})` });
  }

  let socket: net.Socket | null = null;
  const failures: string[] = [];
  let lastError: unknown = null;
  for (const address of addresses) {
    try {
      socket = await dialer.dial({ host: address, port: 443, hostname: host, timeoutMs });
      const to = dialer.destination({ host: address, port: 443, hostname: host });
      fact.address = address;
      fact.destination = `${to.host}:${to.port}`;
      break;
    } catch (error) {
      lastError = error;
      failures.push(`${address}: ${errorMessage(error)}`);
    }
  }
  if (socket === null) {
    const code = errorCode(lastError);
    return done({
      outcome: code === 'ETIMEDOUT' ? 'timeout' : 'connect',
      errorCode: code,
      error: `no address of ${host} accepted a connection on port 443 (${failures.join('; ')})`,
    });
  }
  const raw = socket;

  return new Promise<PolicyFetchFact>((resolve) => {
    let settled = false;
    let phase: 'tls' | 'http' = 'tls';
    let secure: tls.TLSSocket | null = null;
    const finish = (patch: Partial<PolicyFetchFact>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      secure?.destroy();
      raw.destroy();
      resolve(done(patch));
    };
    const timer = setTimeout(() => finish({
      outcome: 'timeout', errorCode: 'ETIMEDOUT',
      error: `${host} did not complete the ${phase === 'tls' ? 'TLS handshake' : 'HTTP answer'} within ${timeoutMs} ms`,
    }), timeoutMs);

    const onSocketError = (error: unknown): void => {
      const code = errorCode(error);
      if (phase === 'tls') {
        finish({
          outcome: code !== null && CERTIFICATE_ERRORS.has(code) ? 'certificate' : 'tls',
          errorCode: code,
          error: `TLS with ${host} failed: ${errorMessage(error)}`,
        });
      } else {
        finish({ outcome: 'protocol', errorCode: code, error: `the HTTPS exchange with ${host} broke: ${errorMessage(error)}` });
      }
    };
    raw.on('error', onSocketError);
    secure = tls.connect({ socket: raw, servername: host, rejectUnauthorized: true, ca, ALPNProtocols: ['http/1.1'] });
    secure.on('error', onSocketError);
    secure.once('secureConnect', () => {
      const tlsSocket = secure!;
      phase = 'http';
      fact.certificate = summarizeCertificate(tlsSocket.getPeerCertificate());
      fact.tlsVersion = tlsSocket.getProtocol();
      const req = http.request({
        createConnection: () => tlsSocket,
        host,
        port: 443,
        method: 'GET',
        path: MTA_STS_POLICY_PATH,
        headers: { Host: host, 'User-Agent': `smtp-audit/${VERSION}`, Accept: 'text/plain', Connection: 'close' },
      });
      req.on('error', onSocketError);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const header = (name: string): string | null => {
          const value = res.headers[name];
          return Array.isArray(value) ? value.join(', ') : value ?? null;
        };
        fact.status = status;
        fact.contentType = header('content-type');
        fact.location = header('location');
        res.on('error', onSocketError);
        if (status >= 300 && status < 400) {
          finish({ outcome: 'redirect', error: `${fact.url} answered ${status} with a redirect to ${fact.location ?? '(no Location)'}, which senders must not follow` });
          return;
        }
        if (status !== 200) {
          finish({ outcome: 'http-status', error: `${fact.url} answered HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd() });
          return;
        }
        const declared = Number(header('content-length'));
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish({ outcome: 'too-large', bytes: declared, error: `${fact.url} announces ${declared} bytes, over the ${maxBytes}-byte limit for a policy` });
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > maxBytes) {
            finish({ outcome: 'too-large', bytes, error: `${fact.url} sent more than ${maxBytes} bytes, over the limit for a policy` });
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (!isTextPlain(fact.contentType)) {
            finish({
              outcome: 'content-type', body, bytes,
              error: `${fact.url} is served as ${fact.contentType ?? 'no Content-Type'}, not text/plain`,
            });
            return;
          }
          finish({ outcome: 'ok', body, bytes });
        });
      });
      req.end();
    });
  });
}
