// An older Node.js binary for the version-gate test: SMTP_AUDIT_OLD_NODE when set (`.ci/run`
// sets it, installing node@20 from the npm registry when the machine's own Node is newer),
// else the first `node` on PATH outside node_modules that is older than 22 (the system Node of
// many distributions and CI images). null when there is none.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface OldNode { path: string; version: string }

function versionOf(path: string): string | null {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } }).trim().replace(/^v/, '');
  } catch {
    return null;
  }
}

export function findOldNode(): OldNode | null {
  const candidates = [
    ...(process.env.SMTP_AUDIT_OLD_NODE ? [process.env.SMTP_AUDIT_OLD_NODE] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes('node_modules')).map((dir) => join(dir, 'node')),
  ];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const version = versionOf(path);
    if (version && Number(version.split('.')[0]) < 22) return { path, version };
  }
  return null;
}
