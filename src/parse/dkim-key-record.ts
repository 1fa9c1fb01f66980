// DKIM public key record parser: RFC 6376 section 3.6.1 (tags), RFC 8301 (sha1 and RSA key
// sizes) and RFC 8463 (Ed25519). Pure: no DNS. The key itself is decoded with node:crypto so the
// RSA modulus length is measured rather than guessed from the base64 length.

import { createPublicKey, type KeyObject } from 'node:crypto';

import {
  leadingSpec, makeIssue, show, splitColonList, splitTagList, type ParseIssue,
} from './tag-list.ts';

export type DkimKeyFormat = 'spki' | 'pkcs1' | 'ed25519-raw';

export interface DkimKeyRecord {
  /** Raw tag values (tag names are case-sensitive, RFC 6376 3.2). */
  tags: Record<string, string>;
  /** v= as published, or null when absent (it is optional; the default is DKIM1). */
  version: string | null;
  /** k= lower-cased, "rsa" when absent (RFC 6376 3.6.1). */
  keyType: string;
  /** h= lower-cased; null when absent, meaning every hash algorithm is allowed. */
  hashAlgorithms: string[] | null;
  /** s= lower-cased; ["*"] when absent. */
  serviceTypes: string[];
  /** t= flags lower-cased; [] when absent. */
  flags: string[];
  /** t=y: the domain is testing DKIM. */
  testing: boolean;
  /** t=s: the i= domain must equal d= exactly (no subdomains). */
  strictIdentity: boolean;
  /** n= as published. */
  notes: string | null;
  /** p= with whitespace removed; null when the p tag is absent. */
  publicKey: string | null;
  /** p= present but empty: the key has been revoked (RFC 6376 3.6.1). */
  revoked: boolean;
  /** How the p= bytes were understood, when they could be. */
  keyFormat: DkimKeyFormat | null;
  /** RSA modulus length in bits; null for Ed25519 and for keys that could not be read. */
  keyBits: number | null;
  /** RFC 8463: the raw key must be 32 bytes. Null unless k=ed25519 and p= decodes. */
  ed25519: { keyBytes: number; valid: boolean } | null;
  issues: ParseIssue[];
}

const KNOWN_TAGS = new Set(['v', 'g', 'h', 'k', 'n', 'p', 's', 't']);
const KNOWN_KEY_TYPES = new Set(['rsa', 'ed25519']);
const KNOWN_HASHES = new Set(['sha1', 'sha256']);
const KNOWN_SERVICES = new Set(['*', 'email']);
const KNOWN_FLAGS = new Set(['y', 's']);
// SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33) }.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// Curve25519 field prime and the Edwards curve constant d = -121665/121666 (RFC 8032 5.1).
const ED25519_P = (1n << 255n) - 19n;
const modPow = (base: bigint, exponent: bigint, modulus: bigint): bigint => {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
};
const mod = (n: bigint): bigint => ((n % ED25519_P) + ED25519_P) % ED25519_P;
const ED25519_D = mod(-121665n * modPow(121666n, ED25519_P - 2n, ED25519_P));

/**
 * RFC 8032 5.1.3 point decoding: the 32 bytes must encode a point on the curve, or no signature
 * can ever verify. OpenSSL does not check this when importing a raw key, so it is done here.
 */
function isEd25519Point(key: Buffer): boolean {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(key[i]!);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= ED25519_P) return false;
  const u = mod(y * y - 1n);
  const v = mod(ED25519_D * y * y + 1n);
  let x = mod(u * modPow(v, 3n, ED25519_P) * modPow(u * modPow(v, 7n, ED25519_P), (ED25519_P - 5n) / 8n, ED25519_P));
  const vx2 = mod(v * x * x);
  if (vx2 !== u) {
    if (vx2 !== mod(-u)) return false;
    x = mod(x * modPow(2n, (ED25519_P - 1n) / 4n, ED25519_P));
  }
  return !(x === 0n && sign === 1n);
}

function decodeRsaKey(der: Buffer): { key: KeyObject; format: DkimKeyFormat } | null {
  // RFC 6376 3.6.1 describes an RSAPublicKey (PKCS#1), yet nearly every published key (and the
  // RFC's own Appendix C, made with "openssl rsa -pubout") is a SubjectPublicKeyInfo. Try that
  // first, then the bare PKCS#1 form that some signers publish.
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return { key: createPublicKey({ key: der, format: 'der', type }), format: type };
    } catch {
      // try the next form
    }
  }
  return null;
}

export function parseDkimKey(txt: string): DkimKeyRecord {
  // RFC 6376 3.2 tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: an empty entry breaks it like a
  // malformed one, and 6.1.2 makes a verifier ignore a key record that does not adhere to the
  // format (PERMFAIL, key syntax error).
  const list = splitTagList(txt, { emptySeverity: 'fail' });
  const { tags } = list;
  const issues: ParseIssue[] = [...list.issues];
  const has = (key: string): boolean => Object.hasOwn(tags, key);

  const record: DkimKeyRecord = {
    tags,
    version: has('v') ? tags.v! : null,
    keyType: 'rsa',
    hashAlgorithms: null,
    serviceTypes: ['*'],
    flags: [],
    testing: false,
    strictIdentity: false,
    notes: has('n') ? tags.n! : null,
    publicKey: null,
    revoked: false,
    keyFormat: null,
    keyBits: null,
    ed25519: null,
    issues,
  };

  // RFC 6376 3.6.1 v=: optional, but if present it MUST be "DKIM1" (string comparison, so
  // "DKIM1.0" differs) and MUST be the first tag; records starting with any other v= MUST be discarded.
  if (has('v')) {
    const first = leadingSpec(txt, list);
    if (first === null || first.name !== 'v') {
      issues.push(makeIssue('dkim-version-not-first', 'fail',
        `v=${show(tags.v!)} is present but is not the first tag, which RFC 6376 requires.`, 'v'));
    }
    if (tags.v !== 'DKIM1') {
      issues.push(makeIssue('dkim-version-invalid', 'fail',
        `v=${show(tags.v!)} is not exactly "DKIM1", so verifiers discard the record.`, 'v'));
    }
  }

  // RFC 6376 3.6.1: unrecognized tags MUST be ignored. g= was RFC 4871's granularity tag,
  // dropped by RFC 6376.
  for (const key of Object.keys(tags)) {
    if (key === 'g') {
      issues.push(makeIssue('dkim-tag-obsolete', 'info',
        `g=${show(tags.g!)} is the RFC 4871 granularity tag, which RFC 6376 removed; verifiers ignore it.`, 'g'));
    } else if (!KNOWN_TAGS.has(key)) {
      const hint = KNOWN_TAGS.has(key.toLowerCase()) ? ' (tag names are case-sensitive)' : '';
      issues.push(makeIssue('dkim-tag-unknown', 'info',
        `The tag ${show(key)} is not a DKIM key tag${hint}, so verifiers ignore it.`, key));
    }
  }

  // The k, h, s and t values are ABNF quoted strings ("rsa", "sha256", "email", "y"), which
  // RFC 5234 2.3 makes case-insensitive, while RFC 6376 3.2 says values are case-sensitive
  // unless stated. Compare lower-cased, and warn when the case could trip a strict verifier.
  const caseWarned = new Set<string>();
  const checkCase = (key: string): void => {
    const value = tags[key]!;
    if (value !== value.toLowerCase() && !caseWarned.has(key)) {
      caseWarned.add(key);
      issues.push(makeIssue('dkim-value-case', 'warn',
        `${key}=${show(value)} is not lower-case; some verifiers compare it case-sensitively.`, key));
    }
  };

  // RFC 6376 3.6.1 k=: default "rsa"; RFC 8463 adds "ed25519". An unknown key type cannot verify anything.
  if (has('k')) {
    checkCase('k');
    record.keyType = tags.k!.toLowerCase();
    if (!KNOWN_KEY_TYPES.has(record.keyType)) {
      issues.push(makeIssue('dkim-key-type-unknown', 'fail',
        `k=${show(tags.k!)} is not a known key type (rsa or ed25519), so verifiers cannot use this key.`, 'k'));
    }
  }

  // RFC 6376 3.6.1 h=: acceptable hash algorithms, colon-separated; unrecognised ones MUST be
  // ignored. RFC 8301 3.1: rsa-sha1 MUST NOT be used, so a key limited to sha1 is unusable.
  if (has('h')) {
    checkCase('h');
    const algorithms = splitColonList(tags.h!).map((a) => a.toLowerCase()).filter((a) => a !== '');
    record.hashAlgorithms = algorithms;
    const unknown = algorithms.filter((a) => !KNOWN_HASHES.has(a));
    if (unknown.length > 0) {
      issues.push(makeIssue('dkim-hash-unknown', 'info',
        `h=${show(tags.h!)} lists ${unknown.map(show).join(', ')}, which verifiers ignore as unrecognised.`, 'h'));
    }
    const known = algorithms.filter((a) => KNOWN_HASHES.has(a));
    if (known.length === 0) {
      issues.push(makeIssue('dkim-hash-none-usable', 'warn',
        `h=${show(tags.h!)} names no recognised hash algorithm, so no signature can use this key.`, 'h'));
    } else if (known.every((a) => a === 'sha1')) {
      issues.push(makeIssue('dkim-hash-sha1-only', 'warn',
        `h=${show(tags.h!)} allows only sha1, which RFC 8301 forbids for signing and verifying.`, 'h'));
    }
  }

  // RFC 6376 3.6.1 s=: service types, default "*". Verifiers MUST ignore the record for a
  // service not listed, and MUST ignore unrecognised types.
  if (has('s')) {
    checkCase('s');
    record.serviceTypes = splitColonList(tags.s!).map((s) => s.toLowerCase());
    const unknown = record.serviceTypes.filter((s) => !KNOWN_SERVICES.has(s));
    if (!record.serviceTypes.includes('*') && !record.serviceTypes.includes('email')) {
      issues.push(makeIssue('dkim-service-type-excludes-email', 'fail',
        `s=${show(tags.s!)} lists neither "*" nor "email", so email verifiers must ignore this key.`, 's'));
    } else if (unknown.length > 0) {
      issues.push(makeIssue('dkim-service-type-unknown', 'info',
        `s=${show(tags.s!)} lists ${unknown.map(show).join(', ')}, which verifiers ignore as unrecognised.`, 's'));
    }
  }

  // RFC 6376 3.6.1 t=: flags y (testing) and s (strict identity); unknown flags MUST be ignored.
  if (has('t')) {
    checkCase('t');
    record.flags = splitColonList(tags.t!).map((f) => f.toLowerCase()).filter((f) => f !== '');
    record.testing = record.flags.includes('y');
    record.strictIdentity = record.flags.includes('s');
    if (record.testing) {
      issues.push(makeIssue('dkim-testing', 'warn',
        `t=${show(tags.t!)} marks the domain as testing DKIM, so verifiers may treat failed signatures like unsigned mail.`, 't'));
    }
    const unknown = record.flags.filter((f) => !KNOWN_FLAGS.has(f));
    if (unknown.length > 0) {
      issues.push(makeIssue('dkim-flag-unknown', 'info',
        `t=${show(tags.t!)} contains ${unknown.map(show).join(', ')}, which verifiers ignore as unrecognised.`, 't'));
    }
  }

  // RFC 6376 3.6.1 p=: REQUIRED, base64 (FWS allowed inside, removed here); empty means revoked.
  if (!has('p')) {
    issues.push(makeIssue('dkim-p-missing', 'fail', 'The record has no p= tag, which RFC 6376 requires.', 'p'));
    return record;
  }
  const base64 = tags.p!.replace(/[ \t\r\n]+/g, '');
  record.publicKey = base64;
  if (base64 === '') {
    record.revoked = true;
    issues.push(makeIssue('dkim-key-revoked', 'info', 'p= is empty, which means this key has been revoked.', 'p'));
    return record;
  }
  // RFC 6376 2.4 base64string: ALPHADIGITPS with up to two trailing "=" (RFC 2045 padding).
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    const bad = base64.replace(/^[A-Za-z0-9+/]*/, '')[0] ?? '=';
    issues.push(makeIssue('dkim-key-base64-invalid', 'fail',
      `p= contains ${show(bad)} where only base64 characters are allowed, so the key cannot be decoded.`, 'p'));
    return record;
  }
  if (base64.length % 4 !== 0) {
    issues.push(makeIssue('dkim-key-base64-padding', 'warn',
      `p= is ${base64.length} base64 characters, not a multiple of 4, so its "=" padding is missing or the value is truncated.`, 'p'));
  }
  const der = Buffer.from(base64, 'base64');

  if (record.keyType === 'ed25519') {
    // RFC 8463 4.2: the p= value is the raw 32-byte Ed25519 public key, not a SubjectPublicKeyInfo.
    const valid = der.length === 32;
    record.ed25519 = { keyBytes: der.length, valid };
    if (!valid) {
      const spki = der.length === 44 && der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)
        ? ' (it looks like a SubjectPublicKeyInfo; publish only the last 32 bytes)' : '';
      issues.push(makeIssue('dkim-ed25519-key-length', 'fail',
        `p= decodes to ${der.length} bytes, but an Ed25519 key must be exactly 32 bytes${spki}.`, 'p'));
      return record;
    }
    if (isEd25519Point(der)) {
      record.keyFormat = 'ed25519-raw';
    } else {
      record.ed25519.valid = false;
      issues.push(makeIssue('dkim-key-unparsable', 'fail',
        'p= is 32 bytes but does not encode a point on the Ed25519 curve, so no signature can verify with it.', 'p'));
    }
    return record;
  }

  if (record.keyType !== 'rsa') return record;

  const decoded = decodeRsaKey(der);
  if (decoded === null) {
    issues.push(makeIssue('dkim-key-unparsable', 'fail',
      `p= decodes to ${der.length} bytes that are neither a SubjectPublicKeyInfo nor a PKCS#1 RSA public key.`, 'p'));
    return record;
  }
  if (decoded.key.asymmetricKeyType !== 'rsa') {
    issues.push(makeIssue('dkim-key-type-mismatch', 'fail',
      `p= holds a ${decoded.key.asymmetricKeyType} key, but k=${record.keyType} needs an RSA key.`, 'p'));
    return record;
  }
  record.keyFormat = decoded.format;
  record.keyBits = decoded.key.asymmetricKeyDetails?.modulusLength ?? null;
  if (decoded.format === 'pkcs1') {
    issues.push(makeIssue('dkim-key-pkcs1', 'warn',
      'p= is a bare PKCS#1 RSAPublicKey rather than the SubjectPublicKeyInfo most verifiers expect, so some of them cannot read it.', 'p'));
  }

  // RFC 8301 3.2: signers MUST use keys of at least 1024 bits and SHOULD use at least 2048;
  // verifiers MUST NOT accept smaller than 1024, MUST handle 1024-4096 and MAY handle larger.
  const bits = record.keyBits;
  if (bits !== null) {
    if (bits < 1024) {
      issues.push(makeIssue('dkim-rsa-key-too-short', 'fail',
        `The RSA key is ${bits} bits; RFC 8301 forbids verifiers from accepting signatures from keys under 1024 bits.`, 'p'));
    } else if (bits < 2048) {
      issues.push(makeIssue('dkim-rsa-key-short', 'warn',
        `The RSA key is ${bits} bits; RFC 8301 says signers should use at least 2048 bits.`, 'p'));
    } else if (bits > 4096) {
      issues.push(makeIssue('dkim-rsa-key-large', 'warn',
        `The RSA key is ${bits} bits; RFC 8301 only requires verifiers to handle keys up to 4096 bits.`, 'p'));
    }
  }
  return record;
}
