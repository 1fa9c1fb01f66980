// The limit scanner that stands before mailauth in serve and inspect: each limit at its exact
// boundary, the same verdict however the bytes are split into chunks, and the spool that keeps
// a message within the limits and drops one over them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DEFAULT_MESSAGE_LIMITS, LimitScanner, type MessageLimits } from '../../src/serve/message-limits.ts';
import { spoolMessage } from '../../src/serve/message-spool.ts';

const limits = (overrides: Partial<MessageLimits> = {}): MessageLimits => ({ ...DEFAULT_MESSAGE_LIMITS, ...overrides });

/** The violation text (or null) for `message` fed in chunks of `size` bytes. */
function scan(message: string | Buffer, options: Partial<MessageLimits> = {}, size = Infinity): string | null {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message, 'latin1');
  const scanner = new LimitScanner(limits(options));
  const step = Math.min(size, bytes.length || 1);
  for (let i = 0; i < bytes.length; i += step) scanner.write(bytes.subarray(i, i + step));
  return scanner.end()?.text ?? null;
}

/** The same verdict for every way of cutting the message: whole, 1 byte, 2, 3, 7 and 64 at a time. */
function scanAllSplits(message: string, options: Partial<MessageLimits> = {}): string | null {
  const whole = scan(message, options);
  for (const size of [1, 2, 3, 7, 64]) assert.equal(scan(message, options, size), whole, `chunks of ${size}`);
  return whole;
}

const HEAD = 'From: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\n';

test('an ordinary message passes, CRLF or LF', () => {
  assert.equal(scanAllSplits(`${HEAD}\r\nline one\r\nline two\r\n`), null);
  assert.equal(scanAllSplits(`${HEAD}\r\n`.replace(/\r\n/g, '\n') + 'body\n'), null);
  assert.equal(scanAllSplits('From: a@example.com'), null, 'a last line without a line break');
});

test('line length: the limit counts the line without its line break, in the header and in the body', () => {
  const max = 998;
  assert.equal(scanAllSplits(`${HEAD}\r\n${'a'.repeat(max)}\r\n`, { maxLineLength: max }), null);
  assert.equal(scanAllSplits(`${HEAD}\r\n${'a'.repeat(max)}\n`, { maxLineLength: max }), null, 'bare LF');
  assert.equal(scanAllSplits(`${HEAD}\r\nshort\r\n${'a'.repeat(max + 1)}\r\n`, { maxLineLength: max }),
    'line 6 (in the body) is longer than 998 bytes (--max-line-length 998)');
  assert.equal(scanAllSplits(`${HEAD}X-Long: ${'a'.repeat(max)}\r\n\r\n`, { maxLineLength: max }),
    'line 4 (in the header section) is longer than 998 bytes (--max-line-length 998)');
  assert.equal(scanAllSplits(`${HEAD}\r\n${'a'.repeat(max + 1)}`, { maxLineLength: max }),
    'line 5 (in the body) is longer than 998 bytes (--max-line-length 998)', 'an unterminated last line');
  // a bare CR is part of the line (mailauth does not break lines there)
  assert.match(scanAllSplits(`${HEAD}\r\n${'a'.repeat(max)}\r\r\n`, { maxLineLength: max }) ?? '', /line 5/);
});

test('a line too long is caught while it is still arriving, not only at its end', () => {
  const scanner = new LimitScanner(limits({ maxLineLength: 1000 }));
  scanner.write(Buffer.from(`${HEAD}\r\n`));
  assert.equal(scanner.write(Buffer.alloc(1000, 'a')), null);
  assert.equal(scanner.write(Buffer.from('\r')), null, 'a CR might start the line break');
  assert.match(scanner.write(Buffer.from('a'))?.text ?? '', /^line 5 \(in the body\) is longer than 1000 bytes/);
});

test('header lines: folded continuation lines count, the empty line ends the header section', () => {
  const folded = (n: number) => `${HEAD}X-Folded: a${'\r\n b'.repeat(n)}\r\n\r\n`;
  // 3 fields + X-Folded + n continuation lines
  assert.equal(scanAllSplits(folded(6), { maxHeaderLines: 10 }), null);
  assert.equal(scanAllSplits(folded(7), { maxHeaderLines: 10 }), 'the header section has more than 10 lines, folded lines included (--max-header-lines 10)');
  // the same lines after the empty line are body
  assert.equal(scanAllSplits(`${HEAD}\r\n${'X: y\r\n'.repeat(50)}`, { maxHeaderLines: 10 }), null);
  assert.equal(scanAllSplits(`${HEAD}\n${'X: y\n'.repeat(50)}`, { maxHeaderLines: 10 }), null, 'with LF line breaks');
  // a message without an empty line is all header
  assert.match(scanAllSplits('X: y\r\n'.repeat(11), { maxHeaderLines: 10 }) ?? '', /more than 10 lines/);
});

test('header fields: counted by the lines that start them', () => {
  const fields = (n: number) => `${'X-F: v\r\n'.repeat(n)}\r\nbody\r\n`;
  assert.equal(scanAllSplits(fields(20), { maxHeaderFields: 20 }), null);
  assert.equal(scanAllSplits(fields(21), { maxHeaderFields: 20 }), 'the header section has more than 20 fields (--max-header-fields 20)');
  assert.equal(scanAllSplits(`X-F: v${'\r\n\tcontinued'.repeat(30)}\r\n\r\n`, { maxHeaderFields: 20 }), null, 'continuation lines are not fields');
});

test('header field size: the field with its folded lines and their line breaks, named when printable', () => {
  const field = (name: string, lines: number) => `${HEAD}${name}: ${'x'.repeat(90)}${`\r\n ${'x'.repeat(97)}`.repeat(lines)}\r\n\r\nbody\r\n`;
  // "X-Big: " + 90 + CRLF = 99 bytes, then 100 bytes a continuation line
  assert.equal(scanAllSplits(field('X-Big', 9), { maxHeaderFieldSize: 999 }), null);
  assert.equal(scanAllSplits(field('X-Big', 10), { maxHeaderFieldSize: 1099 }), null);
  assert.equal(scanAllSplits(field('X-Big', 10), { maxHeaderFieldSize: 1098 }), 'the header field X-Big is larger than 1098 bytes, folded lines included (--max-header-field-size 1098)');
  assert.equal(scanAllSplits(`${HEAD}X-One: ${'y'.repeat(2000)}\r\n\r\n`, { maxHeaderFieldSize: 1000 }), 'the header field X-One is larger than 1000 bytes, folded lines included (--max-header-field-size 1000)');
  // a name with control bytes is not repeated (it ends up in an SMTP reply and on a terminal)
  assert.equal(scanAllSplits(`${HEAD}X-\x1b[2J: ${'y'.repeat(2000)}\r\n\r\n`, { maxHeaderFieldSize: 1000 }), 'the header field (unnamed) is larger than 1000 bytes, folded lines included (--max-header-field-size 1000)');
});

test('message size: over the limit as soon as one byte too many arrives; counting goes on after a violation', () => {
  const scanner = new LimitScanner(limits({ maxMessageSize: 2000, maxLineLength: 998 }));
  assert.equal(scanner.write(Buffer.from(`${HEAD}\r\n`)), null);
  assert.match(scanner.write(Buffer.alloc(1500, 'a'))?.text ?? '', /--max-line-length/, 'the first limit broken is the one kept');
  scanner.write(Buffer.alloc(5000, 'a'));
  assert.equal(scanner.size, HEAD.length + 2 + 6500);
  assert.match(scanner.end()?.text ?? '', /--max-line-length/);
  const exact = new LimitScanner(limits({ maxMessageSize: 100 }));
  assert.equal(exact.write(Buffer.alloc(100, 0x0a)), null);
  assert.equal(exact.write(Buffer.from('\n'))?.text, 'the message is larger than 100 bytes (--max-message-size 100)');
});

test('the spool keeps a message within the limits byte for byte, and drops one over them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-spool-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const message = Buffer.from(`${HEAD}\r\n${'line\r\n'.repeat(10000)}`);
  const chunks = Array.from({ length: Math.ceil(message.length / 4096) }, (_, i) => message.subarray(i * 4096, (i + 1) * 4096));
  const kept = await spoolMessage(Readable.from(chunks), dir, limits());
  assert.equal(kept.violation, null);
  assert.equal(kept.size, message.length);
  assert.deepEqual(readFileSync(kept.file!), message);

  const over = await spoolMessage(Readable.from([...chunks, ...chunks]), dir, limits({ maxMessageSize: message.length }));
  assert.equal(over.file, null);
  assert.equal(over.size, message.length * 2, 'the rest is read and counted');
  assert.equal(over.violation?.limit, 'maxMessageSize');
  assert.deepEqual(readdirSync(dir).map((f) => join(dir, f)), [kept.file], 'nothing is left of the refused message');
});

test('the spool: a client gone in the middle of DATA leaves no file; an unwritable spool folder is a storage error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-spool-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  async function* cutOff() {
    yield Buffer.from(`${HEAD}\r\nsome of the body\r\n`);
    throw Object.assign(new Error('Connection closed before the message was received in full'), { code: 'ECONNECTION' });
  }
  await assert.rejects(spoolMessage(cutOff(), dir, limits()), /Connection closed/);
  assert.deepEqual(readdirSync(dir), []);

  const missing = await spoolMessage(Readable.from([Buffer.from(`${HEAD}\r\nbody\r\n`)]), join(dir, 'gone'), limits());
  assert.equal(missing.file, null);
  assert.equal(missing.storageError, 'ENOENT');
  assert.equal(missing.size, HEAD.length + 8, 'the message was still read to its end');
});
