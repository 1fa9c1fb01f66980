// The public conformance suites live in ../shared/conformance beside the repository (see its
// README). SMTP_AUDIT_CONFORMANCE overrides the location. A missing folder fails loudly:
// a suite that silently skips proves nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFORMANCE_DIR = process.env.SMTP_AUDIT_CONFORMANCE
  ?? fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

export function conformancePath(...parts: string[]): string {
  const path = join(CONFORMANCE_DIR, ...parts);
  if (!existsSync(path)) throw new Error(`conformance data not found: ${path} (set SMTP_AUDIT_CONFORMANCE to ../shared/conformance)`);
  return path;
}
