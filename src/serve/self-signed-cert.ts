// A throw-away self-signed certificate for the loopback server's STARTTLS, made in-process.
//
// Node can make key pairs and signatures but has no X.509 builder, and shelling out to
// `openssl req -x509` would make `serve` depend on a binary that is not always installed
// (Windows, slim containers). So this file writes the few DER structures a certificate needs
// (RFC 5280 section 4.1) by hand: an ECDSA P-256 key, a random serial, CN and subjectAltName
// for the server name, "localhost", 127.0.0.1 and ::1, and a validity of a few days. Nothing
// trusts it: it exists so a client can negotiate TLS and the session is encrypted on the wire.
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import net from 'node:net';

export interface CertificatePair {
  /** PEM "CERTIFICATE" */
  cert: string;
  /** PEM PKCS#8 private key */
  key: string;
  /** SHA-256 fingerprint, colon-separated hex, as X509Certificate prints it */
  fingerprint256: string;
  validTo: string;
}

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
const bitString = (data: Buffer) => der(0x03, Buffer.from([0]), data);
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);
const bool = (value: boolean) => der(0x01, Buffer.from([value ? 0xff : 0]));

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

/** A positive INTEGER from unsigned big-endian bytes (a leading 0 keeps the sign bit clear). */
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
  const all = address.includes('::') ? [...left, ...new Array(8 - left.length - right.length).fill(0), ...right] : left;
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

/**
 * A self-signed ECDSA P-256 certificate for `serverName` (also valid for localhost, 127.0.0.1
 * and ::1, and for `extraAddresses`), valid from an hour ago for `days` days.
 */
export function createSelfSignedCertificate(serverName: string, options: { days?: number; now?: Date; extraAddresses?: string[] } = {}): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime() + (options.days ?? 7) * 86400_000);
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(serverName))));

  const dnsNames = [...new Set([serverName.toLowerCase(), 'localhost'])].filter((n) => !net.isIP(n));
  const addresses = [...new Set(['127.0.0.1', '::1', ...(options.extraAddresses ?? []), ...(net.isIP(serverName) ? [serverName] : [])])];
  // GeneralName: dNSName [2] IA5String, iPAddress [7] OCTET STRING (RFC 5280 section 4.2.1.6)
  const altNames = sequence(
    ...dnsNames.map((n) => der(0x82, Buffer.from(n, 'ascii'))),
    ...addresses.map((a) => der(0x87, ipBytes(a))),
  );
  const extensions = explicit(3, sequence(
    sequence(oid('2.5.29.19'), bool(true), octets(sequence())), // basicConstraints: not a CA
    sequence(oid('2.5.29.15'), bool(true), octets(der(0x03, Buffer.from([0x07, 0x80])))), // keyUsage: digitalSignature
    sequence(oid('2.5.29.37'), octets(sequence(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
    sequence(oid('2.5.29.17'), octets(altNames)),
  ));

  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // RFC 5280 section 4.1.2.2: positive, at most 20 octets
  const tbs = sequence(
    explicit(0, der(0x02, Buffer.from([2]))), // v3
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions,
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));

  const base64 = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
  const cert = `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const parsed = new X509Certificate(cert); // throws if the DER above were malformed
  return { cert, key, fingerprint256: parsed.fingerprint256, validTo: parsed.validTo };
}
