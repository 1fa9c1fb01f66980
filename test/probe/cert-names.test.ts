import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { certificateCoversName, certificateNames } from '../../src/probe/cert-names.ts';
import { certFact } from '../../src/probe/tls-inspect.ts';
import type { CertFact } from '../../src/probe/types.ts';
import { CERTS_DIR } from '../../src/testnet/mta/fixture-certs.ts';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';

const fact = (name: string): CertFact => certFact(new X509Certificate(readFileSync(join(CERTS_DIR, name))).raw);

test('certificate names follow RFC 6125: SANs, wildcards for exactly one left-most label', () => {
  const valid = fact('mx-valid.pem');
  assert.deepEqual(certificateNames(valid), ['mx1.good.example', 'mx2.good.example', '*.mx.probe.example']);
  assert.ok(certificateCoversName(valid, 'mx1.good.example'));
  assert.ok(certificateCoversName(valid, 'MX2.good.example.'), 'case and trailing dot do not matter');
  assert.ok(certificateCoversName(valid, 'mx1.mx.probe.example'), 'wildcard covers one label');
  assert.ok(!certificateCoversName(valid, 'a.b.mx.probe.example'), 'but not two');
  assert.ok(!certificateCoversName(valid, 'mx.probe.example'), 'nor the bare parent');
  assert.ok(!certificateCoversName(valid, 'mx3.good.example'));
});

test('the subject CN counts only when there is no DNS name (RFC 6125 section 6.4.4)', () => {
  const base = fact('mx-wrong-name.pem');
  assert.ok(certificateCoversName(base, 'mail.wrong.example'));
  const cnOnly: CertFact = { ...base, commonName: 'legacy.example', subjectAltNames: [] };
  assert.ok(certificateCoversName(cnOnly, 'legacy.example'));
  const both: CertFact = { ...base, commonName: 'legacy.example' };
  assert.ok(!certificateCoversName(both, 'legacy.example'), 'CN ignored beside a DNS SAN');
});

test('certificate facts: one-line names, dates, key, DER kept for DANE', () => {
  const f = fact('mx-expired.pem');
  assert.equal(f.subject, 'CN=relay.broken.example, O=smtp-audit fixtures');
  assert.equal(f.commonName, 'relay.broken.example');
  assert.equal(f.notAfter, '2021-01-01T00:00:00.000Z');
  assert.equal(f.publicKey, 'EC P-256');
  assert.equal(f.selfIssued, false);
  assert.equal(fact('mx-legacy.pem').publicKey, 'RSA 2048');
  assert.equal(fact('mx-self-signed.pem').selfIssued, true);
  assert.ok(Buffer.from(f.der, 'base64').length > 300);
});
