// Reading the message `inspect` is given, within the message limits (src/serve/message-limits.ts)
// before anything parses it: the file size first (a file over --max-message-size is not even
// read), then, on the message with its line breaks made CRLF as mailauth will see it, the header
// and line limits. A message over a limit is bad input for the limits given: one line naming the
// limit (a usage error, exit 2), so the user can raise it deliberately.
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../cli/usage-error.ts';
import { LimitScanner, type MessageLimits } from '../serve/message-limits.ts';
import { toCrlf } from '../send/compose.ts';

export function readMessageWithinLimits(file: string, limits: MessageLimits): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError(`cannot read ${file}: not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size > limits.maxMessageSize) {
    throw new UsageError(`${file} is ${size} bytes, larger than --max-message-size ${limits.maxMessageSize}: not inspected (raise the limit to inspect it)`);
  }
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(data.subarray(0, 1000).toString('latin1'))) throw new UsageError(`${file} does not start with a header field: it is not a message (RFC 5322)`);
  // Saved messages often have LF line endings; RFC 5322 section 2.3 lines end in CRLF. The size
  // was checked on the file: the CRs added here do not count against it.
  const message = toCrlf(data);
  const scanner = new LimitScanner({ ...limits, maxMessageSize: Number.MAX_SAFE_INTEGER });
  const violation = scanner.write(message) ?? scanner.end();
  if (violation) throw new UsageError(`${file}: ${violation.text}: not inspected (raise the limit to inspect it)`);
  return message;
}
