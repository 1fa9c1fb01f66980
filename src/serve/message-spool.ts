// Receiving the DATA of one message without holding it in memory: the bytes go to a file in the
// server's spool folder as they arrive (with backpressure: the socket is read no faster than the
// disk takes it), and through the limit scanner. Once a limit is broken the file is deleted and
// the rest of the message is counted and discarded, because SMTP gives the server no way to
// answer before the client's final dot (RFC 5321 section 4.1.1.4): the 552 comes then. So twenty
// clients sending 100 MB each cost the server a few chunk buffers, not 2 GB.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LimitScanner, type LimitViolation, type MessageLimits } from './message-limits.ts';

export interface SpooledMessage {
  /** the message, complete and within the limits; null when it was not kept */
  file: string | null;
  /** bytes received (all of them, also past a limit) */
  size: number;
  violation: LimitViolation | null;
  /** the spool file could not be written (disk full...): the message is lost, nothing else */
  storageError: string | null;
}

/** A private folder (mode 0700, mkdtemp) for the messages being received; remove() deletes it. */
export function createSpoolFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-spool-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Read `data` to its end, keeping it in a new file under `dir` while it is within `limits`. */
export async function spoolMessage(data: AsyncIterable<Buffer>, dir: string, limits: MessageLimits): Promise<SpooledMessage> {
  const scanner = new LimitScanner(limits);
  const file = join(dir, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}.msg`);
  let storageError: string | null = null;
  const failed = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  let handle: FileHandle | null = await open(file, 'wx', 0o600).catch((error: unknown) => {
    storageError = failed(error); // the message is still read to its end, then refused with 452
    return null;
  });
  const discard = async () => {
    const h = handle;
    handle = null;
    await h?.close().catch(() => undefined);
    await rm(file, { force: true });
  };
  try {
    for await (const chunk of data) {
      if (scanner.write(chunk)) {
        if (handle) await discard();
        continue;
      }
      if (!handle) continue;
      try {
        await handle.write(chunk);
      } catch (error) {
        storageError = failed(error);
        await discard();
      }
    }
    scanner.end();
    if (scanner.violation || storageError) await discard();
    else await handle?.close();
    return { file: handle ? file : null, size: scanner.size, violation: scanner.violation, storageError };
  } catch (error) {
    // the client went away in the middle of DATA: nothing to keep
    await discard();
    throw error;
  }
}
