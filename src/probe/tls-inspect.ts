// What a finished TLS handshake tells: protocol, cipher, key exchange group, the certificate
// chain and OpenSSL's verdict on it. The chain comes from getPeerCertificate(true), whose
// issuerCertificate links end at a root that points at itself, so the walk keeps a seen-set.
import { X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import { remoteText } from './facts-of.ts';
import type { CertFact, TlsFact } from './types.ts';

/** Longest chain kept: real chains have 2-4 certificates; a hostile server could send more. */
const MAX_CHAIN = 10;

/** Split Node's subjectaltname text ("DNS:a, DNS:b"); entries with commas come quoted. */
export function splitSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text.split(/, (?=(?:[^"]*"[^"]*")*[^"]*$)/).map((s) => s.trim()).filter(Boolean);
}

function describeKey(cert: X509Certificate): string {
  const key = cert.publicKey;
  const type = (key.asymmetricKeyType ?? 'unknown').toUpperCase();
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'EC') {
    const curve = details.namedCurve === 'prime256v1' ? 'P-256' : details.namedCurve === 'secp384r1' ? 'P-384' : details.namedCurve === 'secp521r1' ? 'P-521' : (details.namedCurve ?? '?');
    return `EC ${curve}`;
  }
  if (typeof details.modulusLength === 'number') return `${type} ${details.modulusLength}`;
  return type;
}

function firstField(dn: string, field: string): string | null {
  for (const line of dn.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq) === field) return line.slice(eq + 1);
  }
  return null;
}

/** A certificate as a fact, from its DER form. */
/** OpenSSL's multi-line distinguished name as one line: "CN=mx.example.com, O=Example". */
function dnLine(dn: string): string {
  return remoteText(dn.split('\n').join(', '), 1024);
}

export function certFact(der: Buffer): CertFact {
  const cert = new X509Certificate(der);
  const subject = cert.subject;
  return {
    subject: dnLine(subject),
    issuer: dnLine(cert.issuer),
    commonName: (() => { const cn = firstField(subject, 'CN'); return cn === null ? null : remoteText(cn, 255); })(),
    subjectAltNames: splitSubjectAltNames(cert.subjectAltName).slice(0, 100).map((s) => remoteText(s, 255)),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    serialNumber: remoteText(cert.serialNumber, 128),
    fingerprint256: cert.fingerprint256,
    selfIssued: cert.subject === cert.issuer,
    ca: cert.ca,
    publicKey: describeKey(cert),
    der: der.toString('base64'),
  };
}

/** The presented chain, leaf first, each certificate once. */
export function peerChain(socket: tls.TLSSocket): CertFact[] {
  const chain: CertFact[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | null = socket.getPeerCertificate(true);
  while (cert && cert.raw && chain.length < MAX_CHAIN) {
    const id = cert.fingerprint256;
    if (seen.has(id)) break;
    seen.add(id);
    chain.push(certFact(cert.raw));
    const next: tls.DetailedPeerCertificate | undefined = cert.issuerCertificate;
    cert = next && next !== cert ? next : null;
  }
  return chain;
}

function keyExchange(socket: tls.TLSSocket): string | null {
  const info = socket.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null;
  if (!info || !info.type) return null;
  // ECDH and TLS 1.3 groups have a name (X25519, prime256v1, X25519MLKEM768); DH has a size
  if (info.name) return info.name;
  return info.size ? `${info.type} ${info.size}` : info.type;
}

export function inspectTls(socket: tls.TLSSocket, serverName: string | null): TlsFact {
  const cipher = socket.getCipher();
  const error = socket.authorizationError as unknown;
  const errorText = error === null || error === undefined ? null : String((error as { code?: string }).code ?? error);
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher.name,
    cipherStandardName: cipher.standardName ?? null,
    keyExchange: keyExchange(socket),
    serverName,
    authorized: socket.authorized,
    authorizationError: errorText,
    chain: peerChain(socket),
  };
}
