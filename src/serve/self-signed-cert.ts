// A throw-away self-signed certificate for the loopback server's STARTTLS, made in-process
// (src/util/certificate-builder.ts writes the DER, so `serve` needs no openssl binary): an
// ECDSA P-256 key, a random serial, CN and subjectAltName for the server name, "localhost",
// 127.0.0.1 and ::1, and a validity of a few days. Nothing trusts it: it exists so a client
// can negotiate TLS and the session is encrypted on the wire.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { issueCertificate, newKeyPair } from '../util/certificate-builder.ts';

export interface CertificatePair {
  /** PEM "CERTIFICATE" */
  cert: string;
  /** PEM PKCS#8 private key */
  key: string;
  /** SHA-256 fingerprint, colon-separated hex, as X509Certificate prints it */
  fingerprint256: string;
  validTo: string;
}

/**
 * A self-signed ECDSA P-256 certificate for `serverName` (also valid for localhost, 127.0.0.1
 * and ::1, and for `extraAddresses`), valid from an hour ago for `days` days.
 */
export function createSelfSignedCertificate(serverName: string, options: { days?: number; now?: Date; extraAddresses?: string[] } = {}): CertificatePair {
  const now = options.now ?? new Date();
  const issued = issueCertificate({
    commonName: serverName,
    keys: newKeyPair('ec'),
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + (options.days ?? 7) * 86400_000),
    dnsNames: [...new Set([serverName.toLowerCase(), 'localhost'])].filter((n) => !net.isIP(n)),
    ipAddresses: [...new Set(['127.0.0.1', '::1', ...(options.extraAddresses ?? []), ...(net.isIP(serverName) ? [serverName] : [])])],
  });
  const parsed = new X509Certificate(issued.pem);
  return { cert: issued.pem, key: issued.keyPem, fingerprint256: parsed.fingerprint256, validTo: parsed.validTo };
}
