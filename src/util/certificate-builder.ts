// Issuing X.509 certificates in-process: CAs, intermediates and leaves, signed with ECDSA P-256
// or RSA keys. Node can make key pairs and signatures but has no X.509 builder, and shelling
// out to `openssl` would make the demo depend on a binary that is not always installed, so the
// few DER structures a certificate needs (RFC 5280 section 4.1) are written here by hand.
// Used by `smtp-audit demo`, which makes its whole PKI at start-up so that the published
// package carries no private key.
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import net from 'node:net';

// X.690 DER: tag, definite length, contents.
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const len = body.length;
  let header: Buffer;
  if (len < 0x80) header = Buffer.from([tag, len]);
  else if (len < 0x100) header = Buffer.from([tag, 0x81, len]);
  else if (len < 0x10000) header = Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  else header = Buffer.from([tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff]);
  return Buffer.concat([header, body]);
}

const sequence = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'));
const octets = (data: Buffer) => der(0x04, data);
const bitString = (data: Buffer, unusedBits = 0) => der(0x03, Buffer.from([unusedBits]), data);
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);
const bool = (value: boolean) => der(0x01, Buffer.from([value ? 0xff : 0]));
const NULL = der(0x05);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A non-negative INTEGER from unsigned big-endian bytes (a leading 0 keeps the sign bit clear). */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return der(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

// RFC 5280 section 4.1.2.5: UTCTime for dates through 2049, GeneralizedTime after.
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

function ipBytes(address: string): Buffer {
  if (net.isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(tail);
  const all = address.includes('::') ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** AlgorithmIdentifier of the signature a key makes (RFC 5758 3.2, RFC 4055 5). */
function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'ec') return sequence(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256, no parameters
  if (key.asymmetricKeyType === 'rsa') return sequence(oid('1.2.840.113549.1.1.11'), NULL); // sha256WithRSAEncryption
  throw new Error(`cannot sign certificates with a ${key.asymmetricKeyType} key`);
}

const distinguishedName = (commonName: string) => sequence(set(sequence(oid('2.5.4.3'), utf8(commonName))));

export interface KeyPair { privateKey: KeyObject; publicKey: KeyObject }

export function newKeyPair(type: 'ec' | 'rsa' = 'ec'): KeyPair {
  return type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export interface Issuer { commonName: string; keys: KeyPair }

export interface CertificateRequest {
  commonName: string;
  keys: KeyPair;
  /** who signs; absent: self-signed */
  issuer?: Issuer;
  notBefore: Date;
  notAfter: Date;
  /** a CA certificate (basicConstraints cA, keyCertSign), with an optional path length */
  ca?: { pathLength?: number };
  dnsNames?: string[];
  ipAddresses?: string[];
}

export interface IssuedCertificate extends Issuer {
  /** PEM "CERTIFICATE" */
  pem: string;
  /** PEM PKCS#8 private key */
  keyPem: string;
  der: Buffer;
}

export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const issuer = request.issuer ?? { commonName: request.commonName, keys: request.keys };
  const algorithm = signatureAlgorithm(issuer.keys.privateKey);
  const extensions: Buffer[] = [];
  if (request.ca) {
    const constraints = request.ca.pathLength === undefined ? [bool(true)] : [bool(true), unsignedInteger(Buffer.from([request.ca.pathLength]))];
    extensions.push(sequence(oid('2.5.29.19'), bool(true), octets(sequence(...constraints))));
    extensions.push(sequence(oid('2.5.29.15'), bool(true), octets(bitString(Buffer.from([0x06]), 1)))); // keyCertSign, cRLSign
  } else {
    extensions.push(sequence(oid('2.5.29.19'), bool(true), octets(sequence()))); // not a CA
    // digitalSignature; keyEncipherment too for RSA keys, which TLS 1.2's RSA key transport uses (RFC 5280 4.2.1.3)
    const usage = request.keys.publicKey.asymmetricKeyType === 'rsa' ? bitString(Buffer.from([0xa0]), 5) : bitString(Buffer.from([0x80]), 7);
    extensions.push(sequence(oid('2.5.29.15'), bool(true), octets(usage)));
    extensions.push(sequence(oid('2.5.29.37'), octets(sequence(oid('1.3.6.1.5.5.7.3.1'))))); // extKeyUsage: serverAuth
  }
  const names = [
    ...(request.dnsNames ?? []).map((n) => der(0x82, Buffer.from(n, 'ascii'))), // dNSName [2] IA5String
    ...(request.ipAddresses ?? []).map((a) => der(0x87, ipBytes(a))), // iPAddress [7] (RFC 5280 4.2.1.6)
  ];
  if (names.length > 0) extensions.push(sequence(oid('2.5.29.17'), octets(sequence(...names))));
  // subjectKeyIdentifier (RFC 5280 4.2.1.2, method 1: SHA-1 of the key), so chains can be built by key id
  const spki = request.keys.publicKey.export({ type: 'spki', format: 'der' });
  extensions.push(sequence(oid('2.5.29.14'), octets(octets(createHash('sha1').update(subjectPublicKey(spki)).digest()))));

  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 section 4.1.2.2: positive, at most 20 octets
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    unsignedInteger(serial),
    algorithm,
    distinguishedName(issuer.commonName),
    sequence(time(request.notBefore), time(request.notAfter)),
    distinguishedName(request.commonName),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, { key: issuer.keys.privateKey, dsaEncoding: 'der' });
  const certificate = sequence(tbs, algorithm, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  new X509Certificate(pem); // throws if the DER above were malformed
  return {
    commonName: request.commonName, keys: request.keys, pem, der: certificate,
    keyPem: request.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The BIT STRING contents of a SubjectPublicKeyInfo (the key itself, for the key identifier). */
function subjectPublicKey(spki: Buffer): Buffer {
  // SEQUENCE { AlgorithmIdentifier, BIT STRING }: skip the outer header and the algorithm
  const lengthOf = (at: number): { header: number; length: number } => {
    const first = spki[at + 1]!;
    if (first < 0x80) return { header: 2, length: first };
    const bytes = first & 0x7f;
    let length = 0;
    for (let i = 0; i < bytes; i++) length = (length << 8) | spki[at + 2 + i]!;
    return { header: 2 + bytes, length };
  };
  const outer = lengthOf(0);
  const algorithm = lengthOf(outer.header);
  const bitStringAt = outer.header + algorithm.header + algorithm.length;
  const bits = lengthOf(bitStringAt);
  return spki.subarray(bitStringAt + bits.header + 1, bitStringAt + bits.header + bits.length);
}
