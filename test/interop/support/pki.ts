// The interop suite's certificates, made when it starts (src/util/certificate-builder.ts): a CA
// that only this run trusts (the auditor gets it with --ca-file) and a certificate for each MX
// host name, as PEM files the MTAs read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate, newKeyPair, type IssuedCertificate } from '../../../src/util/certificate-builder.ts';

export interface SuitePki {
  caFile: string;
  /** cert (leaf + CA) and key files for a host name; RSA keys, which every TLS library here takes */
  certFor(name: string): { certFile: string; keyFile: string; chainFile: string };
}

const VALID = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2125-01-01T00:00:00Z') };

export function makeSuitePki(dir: string): SuitePki {
  const ca: IssuedCertificate = issueCertificate({ commonName: 'smtp-audit interop CA (one run)', keys: newKeyPair('rsa'), ...VALID, ca: { pathLength: 0 } });
  const caFile = join(dir, 'interop-ca.pem');
  writeFileSync(caFile, ca.pem);
  const made = new Map<string, { certFile: string; keyFile: string; chainFile: string }>();
  return {
    caFile,
    certFor(name) {
      const known = made.get(name);
      if (known) return known;
      const leaf = issueCertificate({ commonName: name, keys: newKeyPair('rsa'), issuer: ca, ...VALID, dnsNames: [name] });
      const files = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`), chainFile: join(dir, `${name}.chain.pem`) };
      writeFileSync(files.certFile, leaf.pem);
      writeFileSync(files.keyFile, leaf.keyPem, { mode: 0o640 });
      writeFileSync(files.chainFile, leaf.pem + ca.pem);
      made.set(name, files);
      return files;
    },
  };
}
