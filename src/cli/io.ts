// Writing output: stdout, or a file written whole (temp file + rename) so a failed run
// never leaves a half-written report behind.
import { accessSync, constants, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.ts';

export function assertWritable(file: string): void {
  const dir = dirname(resolve(file));
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${file}: the folder ${dir} does not exist or is not writable`);
  }
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`cannot write ${file}: it is a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
}

export function writeFileAtomic(file: string, text: string): void {
  const temp = `${resolve(file)}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try { unlinkSync(temp); } catch { /* nothing to clean */ }
    throw error;
  }
}

/** Whether to colour output for this stream: a TTY, no NO_COLOR, no --no-color (FORCE_COLOR forces). */
export function colorWanted(stream: NodeJS.WriteStream, flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}
