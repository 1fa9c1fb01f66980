import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parseDkimKey, type DkimKeyRecord } from '../../src/parse/dkim-key-record.ts';
import type { ParseIssue } from '../../src/parse/tag-list.ts';
import { conformancePath } from '../support/conformance.ts';

// Public test vectors (dkimpy, Stalwart mail-auth), copied unchanged into the shared conformance folder.
const CONFORMANCE = conformancePath('dkim');
const readRecord = (file: string): string => readFileSync(join(CONFORMANCE, file), 'utf8').trim();
/** The "<selector>._domainkey.<domain> <record>" lines at the top of a Stalwart test file. */
const stalwartRecords = (file: string): Map<string, string> => {
  const records = new Map<string, string>();
  for (const line of readFileSync(join(CONFORMANCE, 'stalwart', file), 'utf8').split('\n')) {
    const match = /^(\S+\._domainkey\.\S+) (v=DKIM1.*)$/.exec(line);
    if (match) records.set(match[1]!, match[2]!);
  }
  return records;
};

const codes = (issues: ParseIssue[]): string[] => issues.map((i) => i.code);
const find = (record: DkimKeyRecord, code: string): ParseIssue | undefined => record.issues.find((i) => i.code === code);

const rsaSpki = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const rsaPkcs1 = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
const ed25519Spki = (): Buffer =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });

// A syntactically valid RSA SubjectPublicKeyInfo of any size, built by hand so the test does not
// spend seconds generating an 8192-bit key; the modulus does not need to be a real one to be measured.
const derLength = (n: number): number[] => {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
};
const der = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag, ...derLength(content.length)]), content]);
const fakeRsaSpki = (bits: number): string => {
  const modulus = Buffer.concat([Buffer.from([0]), Buffer.alloc(bits / 8, 0xff)]);
  const rsaPublicKey = der(0x30, Buffer.concat([der(0x02, modulus), der(0x02, Buffer.from([1, 0, 1]))]));
  const algorithm = der(0x30, Buffer.concat([der(0x06, Buffer.from('2a864886f70d010101', 'hex')), Buffer.from([0x05, 0x00])]));
  return der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), rsaPublicKey]))])).toString('base64');
};

const KEY_2048 = rsaSpki(2048);

describe('parseDkimKey on published test vectors', () => {
  it('dkimpy test.txt: a 1024-bit RSA SubjectPublicKeyInfo with the obsolete g= tag', () => {
    const record = parseDkimKey(readRecord('dkimpy/test.txt'));
    assert.equal(record.version, 'DKIM1');
    assert.equal(record.keyType, 'rsa');
    assert.equal(record.keyFormat, 'spki');
    assert.equal(record.keyBits, 1024);
    assert.equal(record.revoked, false);
    assert.deepEqual(codes(record.issues), ['dkim-tag-obsolete', 'dkim-rsa-key-short']);
  });

  it('dkimpy ed25519test.dns and eximtest.dns: raw 32-byte Ed25519 keys (RFC 8463)', () => {
    for (const file of ['dkimpy/ed25519test.dns', 'dkimpy/eximtest.dns']) {
      const record = parseDkimKey(readRecord(file));
      assert.equal(record.keyType, 'ed25519', file);
      assert.deepEqual(record.ed25519, { keyBytes: 32, valid: true }, file);
      assert.equal(record.keyFormat, 'ed25519-raw', file);
      assert.equal(record.keyBits, null, file);
      assert.deepEqual(record.issues, [], file);
    }
    assert.equal(parseDkimKey(readRecord('dkimpy/ed25519test.dns')).version, null);
    assert.equal(parseDkimKey(readRecord('dkimpy/eximtest.dns')).version, 'DKIM1');
  });

  it('Stalwart 001 (RFC 8463 Appendix A): the Ed25519 and RSA keys', () => {
    const records = stalwartRecords('001-rfc8463-relaxed.txt');
    const ed = parseDkimKey(records.get('brisbane._domainkey.football.example.com')!);
    assert.deepEqual(ed.ed25519, { keyBytes: 32, valid: true });
    assert.deepEqual(ed.issues, []);
    const rsa = parseDkimKey(records.get('test._domainkey.football.example.com')!);
    assert.equal(rsa.keyBits, 1024);
    assert.equal(rsa.keyFormat, 'spki');
  });

  it('Stalwart 002: a bare PKCS#1 RSAPublicKey is read through the fallback', () => {
    const record = parseDkimKey(stalwartRecords('002-rsa-simple.txt').get('newengland._domainkey.example.com')!);
    assert.equal(record.keyFormat, 'pkcs1');
    assert.equal(record.keyBits, 1024);
    assert.deepEqual(codes(record.issues), ['dkim-key-pkcs1', 'dkim-rsa-key-short']);
    assert.equal(find(record, 'dkim-key-pkcs1')!.severity, 'warn');
  });
});

describe('parseDkimKey key sizes (RFC 8301 3.2)', () => {
  it('accepts a 2048-bit key without issues', () => {
    const record = parseDkimKey(`v=DKIM1; k=rsa; p=${KEY_2048}`);
    assert.equal(record.keyBits, 2048);
    assert.equal(record.publicKey, KEY_2048);
    assert.deepEqual(record.issues, []);
  });

  it('accepts a 4096-bit key without issues', () => {
    const record = parseDkimKey(`v=DKIM1; p=${rsaSpki(4096)}`);
    assert.equal(record.keyBits, 4096);
    assert.deepEqual(record.issues, []);
  });

  it('fails a 512-bit key', () => {
    const record = parseDkimKey(`v=DKIM1; p=${rsaSpki(512)}`);
    assert.equal(record.keyBits, 512);
    assert.equal(find(record, 'dkim-rsa-key-too-short')?.severity, 'fail');
  });

  it('warns about keys over 4096 bits', () => {
    const record = parseDkimKey(`v=DKIM1; p=${fakeRsaSpki(8192)}`);
    assert.equal(record.keyBits, 8192);
    assert.deepEqual(codes(record.issues), ['dkim-rsa-key-large']);
  });

  it('measures PKCS#1 keys too', () => {
    const record = parseDkimKey(`p=${rsaPkcs1(2048)}`);
    assert.equal(record.keyFormat, 'pkcs1');
    assert.equal(record.keyBits, 2048);
  });
});

describe('parseDkimKey tags (RFC 6376 3.6.1)', () => {
  it('returns JSON-serialisable data', () => {
    const record = parseDkimKey(`v=DKIM1; h=sha256; s=email; t=s; n=hi; p=${KEY_2048}`);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);
  });

  it('applies defaults when optional tags are absent', () => {
    const record = parseDkimKey(`p=${KEY_2048}`);
    assert.equal(record.version, null);
    assert.equal(record.keyType, 'rsa');
    assert.equal(record.hashAlgorithms, null);
    assert.deepEqual(record.serviceTypes, ['*']);
    assert.deepEqual(record.flags, []);
    assert.equal(record.testing, false);
    assert.equal(record.notes, null);
    assert.deepEqual(record.issues, []);
  });

  it('removes whitespace inside p= before decoding', () => {
    const folded = KEY_2048.replace(/(.{60})/g, '$1 \r\n\t');
    const record = parseDkimKey(`v=DKIM1; p=${folded}`);
    assert.equal(record.publicKey, KEY_2048);
    assert.equal(record.keyBits, 2048);
  });

  it('v= must be first and exactly DKIM1', () => {
    const late = parseDkimKey(`k=rsa; v=DKIM1; p=${KEY_2048}`);
    assert.deepEqual(codes(late.issues), ['dkim-version-not-first']);
    assert.equal(late.issues[0]!.severity, 'fail');
    for (const version of ['DKIM1.0', 'dkim1', 'DKIM2']) {
      const record = parseDkimKey(`v=${version}; p=${KEY_2048}`);
      assert.deepEqual(codes(record.issues), ['dkim-version-invalid'], version);
      assert.equal(record.version, version);
    }
  });

  it('p= is required; an empty p= means revoked', () => {
    assert.equal(find(parseDkimKey('v=DKIM1; k=rsa'), 'dkim-p-missing')?.severity, 'fail');
    const revoked = parseDkimKey('v=DKIM1; k=rsa; p=');
    assert.equal(revoked.revoked, true);
    assert.equal(revoked.publicKey, '');
    assert.deepEqual(revoked.issues.map((i) => [i.code, i.severity]), [['dkim-key-revoked', 'info']]);
    assert.equal(parseDkimKey(`p=${KEY_2048}`).revoked, false);
  });

  it('fails an unknown key type and warns about case', () => {
    const dsa = parseDkimKey(`k=dsa; p=${KEY_2048}`);
    assert.equal(dsa.keyType, 'dsa');
    assert.equal(dsa.keyBits, null);
    assert.deepEqual(codes(dsa.issues), ['dkim-key-type-unknown']);
    assert.equal(dsa.issues[0]!.severity, 'fail');
    const upper = parseDkimKey(`k=RSA; p=${KEY_2048}`);
    assert.equal(upper.keyType, 'rsa');
    assert.equal(upper.keyBits, 2048);
    assert.deepEqual(codes(upper.issues), ['dkim-value-case']);
  });

  it('warns when h= allows only sha1 (RFC 8301 3.1)', () => {
    const sha1 = parseDkimKey(`h=sha1; p=${KEY_2048}`);
    assert.deepEqual(sha1.hashAlgorithms, ['sha1']);
    assert.deepEqual(codes(sha1.issues), ['dkim-hash-sha1-only']);
    assert.equal(sha1.issues[0]!.severity, 'warn');
    assert.deepEqual(parseDkimKey(`h=sha1 : sha256; p=${KEY_2048}`).issues, []);
    assert.deepEqual(parseDkimKey(`h=sha1:sha256; p=${KEY_2048}`).hashAlgorithms, ['sha1', 'sha256']);
  });

  it('notes unknown hash algorithms and warns when none is usable', () => {
    assert.deepEqual(codes(parseDkimKey(`h=sha256:sha3; p=${KEY_2048}`).issues), ['dkim-hash-unknown']);
    assert.deepEqual(codes(parseDkimKey(`h=sha512; p=${KEY_2048}`).issues), ['dkim-hash-unknown', 'dkim-hash-none-usable']);
    assert.deepEqual(codes(parseDkimKey(`h=; p=${KEY_2048}`).issues), ['dkim-hash-none-usable']);
  });

  it('checks service types', () => {
    assert.deepEqual(parseDkimKey(`s=email; p=${KEY_2048}`).issues, []);
    assert.deepEqual(parseDkimKey(`s=*; p=${KEY_2048}`).issues, []);
    const extra = parseDkimKey(`s=email:tlsrpt; p=${KEY_2048}`);
    assert.deepEqual(extra.serviceTypes, ['email', 'tlsrpt']);
    assert.deepEqual(codes(extra.issues), ['dkim-service-type-unknown']);
    const other = parseDkimKey(`s=tlsrpt; p=${KEY_2048}`);
    assert.deepEqual(codes(other.issues), ['dkim-service-type-excludes-email']);
    assert.equal(other.issues[0]!.severity, 'fail');
  });

  it('reads flags: y is testing (warn), s is strict identity', () => {
    const testing = parseDkimKey(`t=y; p=${KEY_2048}`);
    assert.equal(testing.testing, true);
    assert.equal(testing.strictIdentity, false);
    assert.deepEqual(testing.issues.map((i) => [i.code, i.severity]), [['dkim-testing', 'warn']]);
    const strict = parseDkimKey(`t=s; p=${KEY_2048}`);
    assert.equal(strict.strictIdentity, true);
    assert.deepEqual(strict.issues, []);
    const both = parseDkimKey(`t=y:s; p=${KEY_2048}`);
    assert.deepEqual(both.flags, ['y', 's']);
    assert.deepEqual(codes(parseDkimKey(`t=x; p=${KEY_2048}`).issues), ['dkim-flag-unknown']);
  });

  it('keeps notes as published', () => {
    assert.equal(parseDkimKey(`n=rotated=202401; p=${KEY_2048}`).notes, 'rotated=202401');
  });

  it('notes unknown tags, hinting at case mistakes', () => {
    assert.deepEqual(codes(parseDkimKey(`x=1; p=${KEY_2048}`).issues), ['dkim-tag-unknown']);
    const upper = parseDkimKey(`P=${KEY_2048}`);
    assert.match(find(upper, 'dkim-tag-unknown')!.message, /case-sensitive/);
    assert.ok(find(upper, 'dkim-p-missing'));
  });

  it('fails duplicate tags (RFC 6376 3.2)', () => {
    assert.equal(find(parseDkimKey(`p=${KEY_2048}; p=`), 'tag-duplicate')?.severity, 'fail');
  });
});

describe('parseDkimKey key data', () => {
  it('fails characters outside base64', () => {
    const record = parseDkimKey('p=MIGf!MA0G');
    assert.equal(find(record, 'dkim-key-base64-invalid')?.severity, 'fail');
    assert.equal(record.keyBits, null);
    assert.ok(find(parseDkimKey('p=AB=CD'), 'dkim-key-base64-invalid'));
  });

  it('warns about missing padding and still decodes', () => {
    // A raw Ed25519 key is 32 bytes: 44 base64 characters ending in one "=".
    const padded = ed25519Spki().subarray(12).toString('base64');
    assert.match(padded, /^[A-Za-z0-9+/]{43}=$/);
    const record = parseDkimKey(`k=ed25519; p=${padded.slice(0, -1)}`);
    assert.deepEqual(codes(record.issues), ['dkim-key-base64-padding']);
    assert.deepEqual(record.ed25519, { keyBytes: 32, valid: true });
    assert.deepEqual(parseDkimKey(`k=ed25519; p=${padded}`).issues, []);
  });

  it('fails base64 that is not a key', () => {
    const record = parseDkimKey('p=AAAAAAAA');
    assert.equal(find(record, 'dkim-key-unparsable')?.severity, 'fail');
    assert.equal(record.keyFormat, null);
  });

  it('fails an RSA record holding another kind of key', () => {
    const record = parseDkimKey(`k=rsa; p=${ed25519Spki().toString('base64')}`);
    assert.match(find(record, 'dkim-key-type-mismatch')!.message, /ed25519/);
  });

  it('fails Ed25519 keys that are not exactly 32 bytes', () => {
    const short = parseDkimKey(`k=ed25519; p=${Buffer.alloc(31, 7).toString('base64')}`);
    assert.deepEqual(short.ed25519, { keyBytes: 31, valid: false });
    assert.equal(find(short, 'dkim-ed25519-key-length')?.severity, 'fail');
    const spki = parseDkimKey(`k=ed25519; p=${ed25519Spki().toString('base64')}`);
    assert.equal(spki.ed25519!.keyBytes, 44);
    assert.match(find(spki, 'dkim-ed25519-key-length')!.message, /SubjectPublicKeyInfo/);
    const raw = ed25519Spki().subarray(12).toString('base64');
    assert.deepEqual(parseDkimKey(`k=ed25519; p=${raw}`).issues, []);
  });

  it('fails 32 bytes that do not encode an Ed25519 point (RFC 8032 5.1.3)', () => {
    const notOnCurve = Buffer.alloc(32);
    notOnCurve[0] = 2; // y = 2 has no matching x on the curve
    const tooLarge = Buffer.alloc(32, 0xff);
    tooLarge[31] = 0x7f; // y = 2^255 - 1 is not below the field prime
    const negativeZero = Buffer.alloc(32);
    negativeZero[0] = 1;
    negativeZero[31] = 0x80; // y = 1 gives x = 0, which cannot carry the sign bit
    for (const key of [notOnCurve, tooLarge, negativeZero]) {
      const record = parseDkimKey(`k=ed25519; p=${key.toString('base64')}`);
      assert.deepEqual(record.ed25519, { keyBytes: 32, valid: false }, key.toString('hex'));
      assert.equal(record.keyFormat, null);
      assert.deepEqual(record.issues.map((i) => [i.code, i.severity]), [['dkim-key-unparsable', 'fail']]);
    }
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    assert.equal(parseDkimKey(`k=ed25519; p=${identity.toString('base64')}`).ed25519!.valid, true);
  });
});
