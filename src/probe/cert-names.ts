// Does a certificate cover a host name? Node's tls.checkServerIdentity decides, as it does for
// every TLS client in Node: subjectAltName DNS entries first, the subject CN only when there is
// no DNS name (RFC 6125 section 6.4.4), and a wildcard only as the whole left-most label,
// matching exactly one label (RFC 6125 section 6.4.3). Pure: it reads the certificate facts, so
// checks can ask it for any MX name, also over replayed facts.
import tls from 'node:tls';
import type { CertFact } from './types.ts';

export function certificateCoversName(cert: CertFact, host: string): boolean {
  const name = host.replace(/\.$/, '').toLowerCase();
  const peer = {
    subject: cert.commonName === null ? {} : { CN: cert.commonName },
    subjectaltname: cert.subjectAltNames.join(', '),
  } as unknown as tls.PeerCertificate;
  return tls.checkServerIdentity(name, peer) === undefined;
}

/** The DNS names a certificate is valid for, for messages ("mx.example.com, *.example.com"). */
export function certificateNames(cert: CertFact): string[] {
  const dns = cert.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = cert.subjectAltNames.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11));
  const names = [...dns, ...ips];
  if (names.length === 0 && cert.commonName !== null) names.push(cert.commonName);
  return names;
}
