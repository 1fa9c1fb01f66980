// The committed test certificates (fixtures/certs, made once by fixtures/certs/make-certs.sh):
// a test root and intermediate CA, and leaf certificates for every certificate condition the
// probe must tell apart. Nothing here generates a certificate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../paths.ts';

export const CERTS_DIR = join(FIXTURES_DIR, 'certs');

/**
 * valid: CA-signed, 2025-2125, mx1/mx2.good.example and *.mx.probe.example (EC P-256);
 * expired: CA-signed, 2020-2021; self-signed: no CA; wrong-name: only mail.wrong.example;
 * legacy: CA-signed RSA 2048, for servers that still speak TLS 1.0.
 */
export type FixtureCertName = 'valid' | 'expired' | 'self-signed' | 'wrong-name' | 'legacy';

export interface FixtureCert {
  key: string;
  /** leaf, then the intermediate for CA-signed certificates: what a server should send */
  cert: string;
}

const read = (file: string): string => readFileSync(join(CERTS_DIR, file), 'utf8');

export function fixtureCert(name: FixtureCertName): FixtureCert {
  const base = `mx-${name}`;
  const leaf = read(`${base}.pem`);
  return { key: read(`${base}.key`), cert: name === 'self-signed' ? leaf : leaf + read('intermediate-ca.pem') };
}

/** The test root CA, to trust with --ca-file or AuditOptions.caCertificates. */
export function fixtureRootCa(): string {
  return read('root-ca.pem');
}

export const FIXTURE_ROOT_CA_FILE = join(CERTS_DIR, 'root-ca.pem');
