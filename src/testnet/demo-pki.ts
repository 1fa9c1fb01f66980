// The demo's certificates, made at start-up: a root CA and an intermediate that exist only for
// one run of `smtp-audit demo`, and the server certificates each sample server needs to show a
// condition (valid, expired, self-signed), plus the MTA-STS policy host's. The published
// package therefore carries no private key; a key made here lives in memory and dies with the
// process. The DANE records of the sample zones are computed from these certificates
// (demoTlsaRecords), since their hashes change with every run.
import { createHash, X509Certificate } from 'node:crypto';
import type { ZoneRecord } from '../parse/zone-file.ts';
import { issueCertificate, newKeyPair, type IssuedCertificate } from '../util/certificate-builder.ts';

export interface ServerCertificate {
  key: string;
  /** leaf, then the intermediate for CA-signed certificates: what a server should send */
  cert: string;
}

export interface DemoPki {
  /** the root CA, PEM: trusted by the demo run only */
  rootPem: string;
  valid: ServerCertificate;
  expired: ServerCertificate;
  selfSigned: ServerCertificate;
  policyHost: ServerCertificate;
  /** SHA-256 of the valid leaf's SubjectPublicKeyInfo (TLSA 3 1 1) and of the intermediate (TLSA 2 0 1) */
  validKeySha256: string;
  intermediateSha256: string;
}

// Fixed dates, so the demo's verdicts do not depend on the day it runs: the valid certificates
// last a century; the expired one ended long ago.
const CENTURY = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2125-01-01T00:00:00Z') };
const LONG_AGO = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };

const served = (leaf: IssuedCertificate, chain: IssuedCertificate[] = []): ServerCertificate =>
  ({ key: leaf.keyPem, cert: [leaf, ...chain].map((c) => c.pem).join('') });

export function makeDemoPki(): DemoPki {
  const root = issueCertificate({ commonName: 'smtp-audit demo root CA (made for one demo run)', keys: newKeyPair(), ...CENTURY, ca: {} });
  const intermediate = issueCertificate({ commonName: 'smtp-audit demo intermediate CA', keys: newKeyPair(), issuer: root, ...CENTURY, ca: { pathLength: 0 } });
  const valid = issueCertificate({ commonName: 'mx1.good.example', keys: newKeyPair(), issuer: intermediate, ...CENTURY, dnsNames: ['mx1.good.example', 'mx2.good.example'] });
  const expired = issueCertificate({ commonName: 'relay.broken.example', keys: newKeyPair(), issuer: intermediate, ...LONG_AGO, dnsNames: ['relay.broken.example'] });
  const selfSigned = issueCertificate({ commonName: 'backup.broken.example', keys: newKeyPair(), ...CENTURY, dnsNames: ['backup.broken.example'] });
  const policyHost = issueCertificate({ commonName: 'mta-sts.good.example', keys: newKeyPair(), issuer: intermediate, ...CENTURY, dnsNames: ['mta-sts.good.example', 'mta-sts.broken.example'] });
  const spki = new X509Certificate(valid.pem).publicKey.export({ type: 'spki', format: 'der' });
  return {
    rootPem: root.pem,
    valid: served(valid, [intermediate]),
    expired: served(expired, [intermediate]),
    selfSigned: served(selfSigned),
    policyHost: served(policyHost, [intermediate]),
    validKeySha256: createHash('sha256').update(spki).digest('hex'),
    intermediateSha256: createHash('sha256').update(intermediate.der).digest('hex'),
  };
}

/**
 * The sample zones' TLSA records (RFC 6698, RFC 7672): good.example's mx1 pins its own key
 * (DANE-EE 3 1 1) and mx2 the issuing CA (DANE-TA 2 0 1); broken.example's backup pins a key it
 * does not use (mx1's), so DANE senders would refuse it.
 */
export function demoTlsaRecords(pki: DemoPki): ZoneRecord[] {
  const tlsa = (name: string, usage: number, selector: number, data: string): ZoneRecord =>
    ({ name, ttl: 3600, type: 'TLSA', data: { usage, selector, matchingType: 1, data } });
  return [
    tlsa('_25._tcp.mx1.good.example', 3, 1, pki.validKeySha256),
    tlsa('_25._tcp.mx2.good.example', 2, 0, pki.intermediateSha256),
    tlsa('_25._tcp.backup.broken.example', 3, 1, pki.validKeySha256),
  ];
}
