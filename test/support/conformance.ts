// The public conformance suites the tests read, vendored in test/vectors/ (each folder's
// README names its origin, commit and licence; test/vectors/refresh.sh brings a newer copy).
// Nothing outside the repository is read: a user's clone, a fork's CI and a packager's build
// all have exactly these files. A missing file fails loudly: a suite that silently skips
// proves nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

export function conformancePath(...parts: string[]): string {
  const path = join(VECTORS_DIR, ...parts);
  if (!existsSync(path)) throw new Error(`test vector not found: ${path} (see test/vectors/README.md)`);
  return path;
}
