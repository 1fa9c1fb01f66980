import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeTlsa, matchTlsa, tlsaDataFor } from '../../src/probe/dane-match.ts';
import { certFact } from '../../src/probe/tls-inspect.ts';
import { CERTS_DIR } from '../../src/testnet/mta/fixture-certs.ts';

const load = (name: string) => certFact(new X509Certificate(readFileSync(join(CERTS_DIR, name))).raw);
const leaf = load('mx-valid.pem');
const intermediate = load('intermediate-ca.pem');
const root = load('root-ca.pem');
const chain = [leaf, intermediate, root];
const spki = new X509Certificate(Buffer.from(leaf.der, 'base64')).publicKey.export({ type: 'spki', format: 'der' });
const HOST = ['mx1.good.example'];

test('DANE-EE(3) matches the leaf by SPKI or full certificate, SHA-256, SHA-512 or exact', () => {
  const sha256 = createHash('sha256').update(spki).digest('hex');
  assert.equal(sha256, '7dd621ac34b55481023fe3d2d3391849c9600112d404420cd61ed383b09aad0a', 'the hash in the fixture zones');
  assert.equal(tlsaDataFor(leaf, 1, 1), sha256);
  const cases = [
    { selector: 1, matchingType: 1, data: sha256 },
    { selector: 1, matchingType: 2, data: createHash('sha512').update(spki).digest('hex') },
    { selector: 1, matchingType: 0, data: spki.toString('hex') },
    { selector: 0, matchingType: 1, data: tlsaDataFor(leaf, 0, 1) },
    { selector: 0, matchingType: 0, data: Buffer.from(leaf.der, 'base64').toString('hex').toUpperCase() },
  ];
  for (const c of cases) {
    const m = matchTlsa({ usage: 3, ...c }, chain, HOST);
    assert.ok(m.usable && m.matched, JSON.stringify(c));
    assert.equal(m.certIndex, 0);
  }
  const other = matchTlsa({ usage: 3, selector: 1, matchingType: 1, data: tlsaDataFor(intermediate, 1, 1) }, chain, HOST);
  assert.ok(other.usable && !other.matched, 'DANE-EE never matches an issuer');
});

test('DANE-EE ignores names and dates (RFC 7672 section 3.1.1)', () => {
  const wrong = load('mx-wrong-name.pem');
  const m = matchTlsa({ usage: 3, selector: 1, matchingType: 1, data: tlsaDataFor(wrong, 1, 1) }, [wrong], ['mx1.good.example']);
  assert.ok(m.matched);
});

test('DANE-TA(2) matches an issuer in the chain, checks the signatures and the leaf name', () => {
  const ta = { usage: 2, selector: 0, matchingType: 1, data: tlsaDataFor(intermediate, 0, 1) };
  const m = matchTlsa(ta, chain, HOST);
  assert.ok(m.matched);
  assert.equal(m.certIndex, 1);
  assert.ok(matchTlsa({ usage: 2, selector: 1, matchingType: 1, data: tlsaDataFor(root, 1, 1) }, chain, HOST).matched, 'the root by SPKI');
  const wrongName = matchTlsa(ta, chain, ['mx9.elsewhere.example']);
  assert.ok(!wrongName.matched);
  assert.match(wrongName.detail!, /does not cover mx9\.elsewhere\.example/);
  const selfSigned = load('mx-self-signed.pem');
  const forged = matchTlsa(ta, [selfSigned, intermediate], ['backup.broken.example']);
  assert.ok(!forged.matched, 'an intermediate that did not sign the leaf is no trust anchor');
  assert.match(forged.detail!, /did not sign/);
  assert.ok(!matchTlsa({ usage: 2, selector: 0, matchingType: 1, data: tlsaDataFor(leaf, 0, 1) }, chain, HOST).matched, 'DANE-TA does not match the leaf itself');
});

test('PKIX-TA/PKIX-EE and unknown parameters are unusable for SMTP (RFC 7672 section 3.1.3)', () => {
  for (const usage of [0, 1]) {
    const m = matchTlsa({ usage, selector: 1, matchingType: 1, data: tlsaDataFor(leaf, 1, 1) }, chain, HOST);
    assert.ok(!m.usable && !m.matched);
    assert.match(m.detail!, /unusable for SMTP/);
  }
  assert.ok(!matchTlsa({ usage: 3, selector: 2, matchingType: 1, data: 'aa' }, chain, HOST).usable);
  assert.ok(!matchTlsa({ usage: 3, selector: 1, matchingType: 3, data: 'aa' }, chain, HOST).usable);
  assert.ok(!matchTlsa({ usage: 4, selector: 1, matchingType: 1, data: 'aa' }, chain, HOST).usable);
  assert.match(describeTlsa({ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }), /^3 1 1 .*DANE-EE SPKI SHA2-256/);
});
