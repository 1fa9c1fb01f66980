// `send --ca-file <pem>`: CA certificates to trust, besides Node's default store, when the
// server's certificate is verified (a private CA on a company relay or a test rig). Each file
// must hold at least one PEM certificate, and every certificate in it must parse: a typo found
// here is a usage error, not a TLS failure in the middle of a session.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class CaFileError extends Error {}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The file's text, checked; throws CaFileError with a one-line reason. */
export function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CaFileError(`cannot read --ca-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new CaFileError(`--ca-file ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw new CaFileError(`--ca-file ${file}: certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`);
    }
  });
  return blocks.join('\n');
}
