// DKIM signing for test sends, so a key can be tried before its record is published: RSA
// (RFC 6376) and Ed25519 (RFC 8463) keys, signed with mailauth's signer (nodemailer's own signer
// knows only RSA). For each key we also print the TXT record that publishes it.
//
// Keys are loaded while the command line is parsed; mailauth is imported only when a message
// is signed, so parsing (and `smtp-audit --version`) does not load it.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DkimKey {
  file: string;
  selector: string;
  domain: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  /** RSA modulus length; 256 for Ed25519 */
  bits: number;
  privateKeyPem: string;
  /** the record to publish at <selector>._domainkey.<domain> (RFC 6376 section 3.6.1) */
  dnsName: string;
  dnsRecord: string;
}

export class DkimKeyError extends Error {}

// RFC 8410 section 7: PKCS#8 wrapping of a bare Ed25519 seed, for the 32-octet base64 keys
// dkimpy and RFC 8463's examples use.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function parseKey(file: string, text: string): KeyObject {
  const trimmed = text.trim();
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) {
    const seed = Buffer.from(trimmed, 'base64');
    return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  }
  try {
    return createPrivateKey(text);
  } catch (error) {
    throw new DkimKeyError(`--dkim-key ${file} is not a PEM private key (RSA or Ed25519): ${(error as Error).message}`);
  }
}

export function loadDkimKey(file: string, selector: string, domain: string): DkimKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DkimKeyError(`cannot read --dkim-key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const key = parseKey(file, text);
  const publicKey = createPublicKey(key);
  let algorithm: DkimKey['algorithm'];
  let bits: number;
  let record: string;
  if (key.asymmetricKeyType === 'rsa') {
    algorithm = 'rsa-sha256';
    bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    // RFC 8301 section 3.2: verifiers must not accept RSA keys under 1024 bits.
    if (bits < 1024) throw new DkimKeyError(`--dkim-key ${file} is RSA ${bits}: receivers refuse DKIM keys under 1024 bits (RFC 8301); use 2048`);
    record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  } else if (key.asymmetricKeyType === 'ed25519') {
    algorithm = 'ed25519-sha256';
    bits = 256;
    // RFC 8463 section 4.2: p= is the raw 32-octet public key, not SubjectPublicKeyInfo.
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    record = `v=DKIM1; k=ed25519; p=${spki.subarray(spki.length - 32).toString('base64')}`;
  } else {
    throw new DkimKeyError(`--dkim-key ${file} is a ${key.asymmetricKeyType} key; DKIM signs with RSA (RFC 6376) or Ed25519 (RFC 8463)`);
  }
  return {
    file, selector, domain, algorithm, bits,
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dnsName: `${selector}._domainkey.${domain}`,
    dnsRecord: record,
  };
}

/** The message with one DKIM-Signature per key on top (relaxed/relaxed, the default headers). */
export async function signMessage(message: Buffer, keys: DkimKey[], signTime: Date): Promise<Buffer> {
  if (keys.length === 0) return message;
  const { default: mailauth } = await import('mailauth');
  const signatureData = keys.map((k) => ({ signingDomain: k.domain, selector: k.selector, privateKey: k.privateKeyPem, algorithm: k.algorithm, canonicalization: 'relaxed/relaxed' }));
  const result = await mailauth.dkimSign(message, { ...signatureData[0]!, signatureData, signTime });
  if (result.errors && result.errors.length > 0) {
    const first = result.errors[0] as { err?: Error; selector?: string };
    throw new DkimKeyError(`DKIM signing failed${first.selector ? ` for selector ${first.selector}` : ''}: ${first.err?.message ?? 'unknown error'}`);
  }
  return Buffer.concat([Buffer.from(result.signatures, 'utf8'), message]);
}
