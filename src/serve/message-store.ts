// Keeping what the loopback server received: `<id>.eml` (the message as stored, with our trace
// fields on top, exactly what `smtp-audit inspect` reads back) and `<id>.json` (the session
// and the verdicts). Both are written whole (to a temporary name, then renamed), so a reader
// never sees half a file. The message body is copied from the spool file in chunks: it is
// never held in memory whole.
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ReceivedMessage } from './loopback-server.ts';

export interface StoredFiles { eml: string; json: string }

const COPY_CHUNK = 1024 * 1024;

/** The verdict file's content: plain JSON, stable keys. */
export function verdictRecord(message: ReceivedMessage, files: StoredFiles | null) {
  const { headers, ...verdict } = message.verdict;
  return {
    id: message.id,
    receivedAt: message.receivedAt,
    session: message.session,
    size: message.size,
    reply: `250 ${message.reply}`,
    verdict: { ...verdict, authenticationResults: headers },
    files,
  };
}

function filesFor(dir: string, message: ReceivedMessage): StoredFiles {
  return { eml: join(dir, `${message.id}.eml`), json: join(dir, `${message.id}.json`) };
}

const verdictJson = (message: ReceivedMessage, files: StoredFiles) => `${JSON.stringify(verdictRecord(message, files), null, 2)}\n`;
const tempName = (file: string) => `${file}.${process.pid}.tmp`;

/** Store one message while onMessage runs (the spool file is gone after it). Synchronous. */
export function storeMessage(dir: string, message: ReceivedMessage): StoredFiles {
  mkdirSync(dir, { recursive: true });
  const files = filesFor(dir, message);
  const temp = tempName(files.eml);
  try {
    const out = openSync(temp, 'w');
    try {
      writeSync(out, Buffer.from(message.traceFields));
      const input = openSync(message.spoolFile, 'r');
      try {
        const buffer = Buffer.allocUnsafe(COPY_CHUNK);
        for (let n = readSync(input, buffer); n > 0; n = readSync(input, buffer)) {
          for (let written = 0; written < n;) written += writeSync(out, buffer, written, n - written);
        }
      } finally {
        closeSync(input);
      }
    } finally {
      closeSync(out);
    }
    renameSync(temp, files.eml);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  writeFileSync(tempName(files.json), verdictJson(message, files));
  renameSync(tempName(files.json), files.json);
  return files;
}

/** The same, without blocking the thread that serves SMTP clients. */
export async function storeMessageAsync(dir: string, message: ReceivedMessage): Promise<StoredFiles> {
  await mkdir(dir, { recursive: true });
  const files = filesFor(dir, message);
  const temp = tempName(files.eml);
  try {
    await writeFile(temp, message.traceFields);
    await pipeline(createReadStream(message.spoolFile, { highWaterMark: COPY_CHUNK }), createWriteStream(temp, { flags: 'a' }));
    await rename(temp, files.eml);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await writeFile(tempName(files.json), verdictJson(message, files));
  await rename(tempName(files.json), files.json);
  return files;
}

/** Create the folder if needed and check it is writable; the problem as text, or null. */
export function prepareStoreFolder(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    return `${dir} cannot be used: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
