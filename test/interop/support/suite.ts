// The start of every interop suite: refuse to run where the suite cannot (not root, no MTAs:
// test/interop/setup.sh says what is missing), a fresh work folder every daemon user can
// enter, the suite's BIND and its certificate authority.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSuiteDns, type SuiteDns } from './dns.ts';
import { notRunnableReason } from './network.ts';
import { makeSuitePki, type SuitePki } from './pki.ts';

export async function startSuite(work: string): Promise<{ dns: SuiteDns; pki: SuitePki }> {
  const reason = notRunnableReason();
  assert.equal(reason, null, reason ?? '');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  chmodSync(work, 0o755);
  const dns = await startSuiteDns(join(work, 'dns'));
  return { dns, pki: makeSuitePki(work) };
}
