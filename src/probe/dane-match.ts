// Matching TLSA records against the chain an MX presented (RFC 6698 section 2.1, RFC 7671,
// RFC 7672 section 3). Pure: it works over the certificate facts (DER kept in base64), so the
// dane/tlsa check can match replayed facts too.
// - DANE-EE(3): the leaf certificate or its public key matches; its names and dates do not
//   matter (RFC 7672 section 3.1.1).
// - DANE-TA(2): some issuer certificate in the chain matches, the chain from the leaf up to it
//   is correctly signed, and the leaf covers the MX host name (RFC 7672 sections 3.1.2, 3.2.2).
// - PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP (RFC 7672 section 3.1.3), and so are
//   selectors and matching types this code does not know (RFC 7671 section 4).
// Selectors: 0 full certificate, 1 SubjectPublicKeyInfo. Matching types: 0 exact, 1 SHA-256,
// 2 SHA-512.
import { createHash, X509Certificate } from 'node:crypto';
import type { TlsaData } from '../net/dns/types.ts';
import { certificateCoversName } from './cert-names.ts';
import type { CertFact } from './types.ts';

export interface TlsaMatch {
  record: TlsaData;
  /** false for records DANE SMTP clients ignore */
  usable: boolean;
  matched: boolean;
  /** index in the chain of the matching certificate, or null */
  certIndex: number | null;
  /** why it is unusable, or what failed after a hash match */
  detail: string | null;
}

export const USAGE_NAMES: Readonly<Record<number, string>> = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' };
const SELECTOR_NAMES: Readonly<Record<number, string>> = { 0: 'Cert', 1: 'SPKI' };
const MATCHING_NAMES: Readonly<Record<number, string>> = { 0: 'Full', 1: 'SHA2-256', 2: 'SHA2-512' };

/** "3 1 1 ab12…" with the mnemonic: "DANE-EE SPKI SHA2-256". */
export function describeTlsa(r: TlsaData): string {
  const data = r.data.length > 24 ? `${r.data.slice(0, 24)}…` : r.data;
  const names = [USAGE_NAMES[r.usage] ?? `usage ${r.usage}`, SELECTOR_NAMES[r.selector] ?? `selector ${r.selector}`, MATCHING_NAMES[r.matchingType] ?? `matching ${r.matchingType}`];
  return `${r.usage} ${r.selector} ${r.matchingType} ${data} (${names.join(' ')})`;
}

function selected(cert: CertFact, selector: number): Buffer {
  const der = Buffer.from(cert.der, 'base64');
  if (selector === 0) return der;
  return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
}

function digest(data: Buffer, matchingType: number): string {
  if (matchingType === 0) return data.toString('hex');
  return createHash(matchingType === 1 ? 'sha256' : 'sha512').update(data).digest('hex');
}

/** The certificate fingerprint in TLSA form, for evidence: what a matching record would hold. */
export function tlsaDataFor(cert: CertFact, selector: 0 | 1, matchingType: 0 | 1 | 2): string {
  return digest(selected(cert, selector), matchingType);
}

function signedUpTo(chain: CertFact[], index: number): boolean {
  for (let i = 0; i < index; i++) {
    const child = new X509Certificate(Buffer.from(chain[i]!.der, 'base64'));
    const parent = new X509Certificate(Buffer.from(chain[i + 1]!.der, 'base64'));
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) return false;
  }
  return true;
}

export function matchTlsa(record: TlsaData, chain: CertFact[], hosts: string[]): TlsaMatch {
  const base = { record, matched: false, certIndex: null };
  if (record.usage === 0 || record.usage === 1) {
    return { ...base, usable: false, detail: `${USAGE_NAMES[record.usage]} records are unusable for SMTP (RFC 7672 section 3.1.3)` };
  }
  if (record.usage !== 2 && record.usage !== 3) return { ...base, usable: false, detail: `unknown certificate usage ${record.usage}` };
  if (record.selector !== 0 && record.selector !== 1) return { ...base, usable: false, detail: `unknown selector ${record.selector}` };
  if (record.matchingType !== 0 && record.matchingType !== 1 && record.matchingType !== 2) return { ...base, usable: false, detail: `unknown matching type ${record.matchingType}` };
  const wanted = record.data.toLowerCase();
  const candidates = record.usage === 3 ? [0] : chain.map((_, i) => i).filter((i) => i > 0);
  for (const i of candidates) {
    const cert = chain[i];
    if (!cert || digest(selected(cert, record.selector), record.matchingType) !== wanted) continue;
    if (record.usage === 3) return { ...base, usable: true, matched: true, certIndex: i, detail: null };
    if (!signedUpTo(chain, i)) return { ...base, usable: true, matched: false, certIndex: i, detail: 'the matching trust anchor did not sign the chain up to the leaf' };
    const leaf = chain[0]!;
    if (hosts.length > 0 && !hosts.some((h) => certificateCoversName(leaf, h))) {
      return { ...base, usable: true, matched: false, certIndex: i, detail: `the trust anchor matches, but the certificate does not cover ${hosts.join(', ')} (RFC 7672 section 3.2.2)` };
    }
    return { ...base, usable: true, matched: true, certIndex: i, detail: null };
  }
  return { ...base, usable: true, detail: null };
}
