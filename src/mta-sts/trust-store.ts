// The certificate authorities an MTA-STS policy host must chain to. RFC 8461 3.3: the HTTPS
// certificate must chain to a root CA the sending MTA trusts, "similar to those in widely
// deployed Web browsers". That is Node's bundled root store, plus the PEM bundle named by
// NODE_EXTRA_CA_CERTS (Node adds it to its default store, but an explicit `ca` option replaces
// that store, so it is read again here), the --ca-file certificates (options.caCertificates) and,
// for in-process tests and the demo, `options.extra.trustedCa` (an array of PEM strings).
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

const extraFileCache = new Map<string, string | null>();

function readExtraCaFile(path: string): string | null {
  if (!extraFileCache.has(path)) {
    let text: string | null = null;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // Node itself only warns when the file is unreadable; do the same: no extra CAs.
      text = null;
    }
    extraFileCache.set(path, text);
  }
  return extraFileCache.get(path)!;
}

/** `options.extra.trustedCa`, when it is an array of strings. */
export function trustedCaOption(extra: Record<string, unknown>): string[] {
  const value = extra.trustedCa;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function policyTrustAnchors(extra: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, caCertificates: readonly string[] = []): string[] {
  const anchors = [...tls.rootCertificates];
  const file = env.NODE_EXTRA_CA_CERTS;
  if (file) {
    const text = readExtraCaFile(file);
    if (text) anchors.push(text);
  }
  anchors.push(...caCertificates, ...trustedCaOption(extra));
  return anchors;
}
