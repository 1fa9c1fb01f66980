// Keeping what the loopback server received: `<id>.eml` (the message as stored, with our trace
// fields on top, exactly what `smtp-audit inspect` reads back) and `<id>.json` (the session
// and the verdicts). Both are written whole, so a reader never sees half a file.
import { accessSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReceivedMessage } from './loopback-server.ts';

export interface StoredFiles { eml: string; json: string }

function writeWhole(file: string, data: string | Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

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

export function storeMessage(dir: string, message: ReceivedMessage): StoredFiles {
  mkdirSync(dir, { recursive: true });
  const files = { eml: join(dir, `${message.id}.eml`), json: join(dir, `${message.id}.json`) };
  writeWhole(files.eml, message.stored);
  writeWhole(files.json, `${JSON.stringify(verdictRecord(message, files), null, 2)}\n`);
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
