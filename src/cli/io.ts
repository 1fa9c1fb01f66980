// Writing output: stdout, or a file through the rules of src/cli/output-file.ts (a new or
// replaced file is written whole, temp file + rename; devices and FIFOs are written through;
// a file we could not otherwise write is refused). These are the one-shot forms for commands
// that have their whole text at once (diff); audits stream (src/cli/report-outputs.ts).
import { planOutput, writeOutputSync } from './output-file.ts';

/** Throws a one-line UsageError when `file` cannot be written as an output. */
export function assertWritable(file: string, flag = '--output'): void {
  planOutput(file, flag);
}

/** Writes `text` to `file` whole, or not at all (see output-file.ts for devices, FIFOs and links). */
export function writeFileAtomic(file: string, text: string): void {
  writeOutputSync(planOutput(file), text);
}

/** Whether to colour output for this stream: a TTY, no NO_COLOR, no --no-color (FORCE_COLOR forces). */
export function colorWanted(stream: NodeJS.WriteStream, flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}
