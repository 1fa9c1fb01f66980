// Reading the message `inspect` is given, within the message limits (src/serve/message-limits.ts)
// before anything parses it: the file size first (a file over --max-message-size is not even
// read), then, on the message with its line breaks made CRLF as mailauth will see it, the header
// and line limits. A message over a limit is bad input for the limits given: one line naming the
// limit (a usage error, exit 2), so the user can raise it deliberately.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UsageError } from '../cli/usage-error.ts';
import { LimitScanner, type MessageLimits } from '../serve/message-limits.ts';
import { toCrlf } from '../send/compose.ts';

const cannotRead = (file: string, error: unknown) => new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
const tooLarge = (file: string, size: number | null, max: number) => new UsageError(`${file} is ${size === null ? '' : `${size} bytes, `}larger than --max-message-size ${max}: not inspected (raise the limit to inspect it)`);

/**
 * The file's bytes, reading no more than `max` + 1 of them: a pipe or /dev/stdin has no size to
 * check first, so the read itself stops.
 */
function readAtMost(file: string, max: number): Buffer | null {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) return null;
    }
  } finally {
    closeSync(fd);
  }
}

export function readMessageWithinLimits(file: string, limits: MessageLimits): Buffer {
  let data: Buffer | null;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: it is a folder`);
    // a regular file too large is not even opened; a pipe is read up to the limit
    if (stat.isFile() && stat.size > limits.maxMessageSize) throw tooLarge(file, stat.size, limits.maxMessageSize);
    data = readAtMost(file, limits.maxMessageSize);
  } catch (error) {
    throw error instanceof UsageError ? error : cannotRead(file, error);
  }
  if (data === null) throw tooLarge(file, null, limits.maxMessageSize);
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(data.subarray(0, 1000).toString('latin1'))) throw new UsageError(`${file} does not start with a header field: it is not a message (RFC 5322)`);
  // Saved messages often have LF line endings; RFC 5322 section 2.3 lines end in CRLF. The size
  // was checked on the file: the CRs added here do not count against it.
  const message = toCrlf(data);
  const scanner = new LimitScanner({ ...limits, maxMessageSize: Number.MAX_SAFE_INTEGER });
  const violation = scanner.write(message) ?? scanner.end();
  if (violation) throw new UsageError(`${file}: ${violation.text}: not inspected (raise the limit to inspect it)`);
  return message;
}
