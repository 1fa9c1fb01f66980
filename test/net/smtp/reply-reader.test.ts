import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REPLY_LIMITS, ReplyReader } from '../../../src/net/smtp/reply-reader.ts';
import type { ReplyLimits, SmtpReply } from '../../../src/net/smtp/reply-reader.ts';

function readAll(input: string | Buffer, limits?: Partial<ReplyLimits>, chunkSize = Infinity): { replies: SmtpReply[]; reader: ReplyReader; lines: string[] } {
  const lines: string[] = [];
  const reader = new ReplyReader({ limits, onLine: (l) => lines.push(l) });
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const step = Math.min(chunkSize, bytes.length || 1);
  for (let i = 0; i < bytes.length; i += step) reader.feed(bytes.subarray(i, i + step));
  const replies: SmtpReply[] = [];
  for (let r = reader.take(); r !== undefined; r = reader.take()) replies.push(r);
  return { replies, reader, lines };
}

describe('ReplyReader', () => {
  test('single-line reply', () => {
    const { replies, reader } = readAll('220 mx.example ESMTP\r\n');
    assert.deepEqual(replies, [{ code: 220, enhanced: null, lines: ['mx.example ESMTP'], message: 'mx.example ESMTP', bytes: 22 }]);
    assert.equal(reader.error, null);
  });

  test('multi-line reply with enhanced status codes on every line', () => {
    const { replies } = readAll('250-2.1.0 first\r\n250-2.1.0 second\r\n250 2.1.0 third\r\n');
    assert.equal(replies.length, 1);
    assert.equal(replies[0].code, 250);
    assert.equal(replies[0].enhanced, '2.1.0');
    assert.deepEqual(replies[0].lines, ['2.1.0 first', '2.1.0 second', '2.1.0 third']);
    assert.equal(replies[0].message, 'first\nsecond\nthird');
  });

  test('enhanced code only when well-formed and of the reply class', () => {
    assert.equal(readAll('550 5.7.1\r\n').replies[0].enhanced, '5.7.1');
    assert.equal(readAll('452 4.3.100 full\r\n').replies[0].enhanced, '4.3.100');
    assert.equal(readAll('250 5.0.0 class mismatch\r\n').replies[0].enhanced, null);
    assert.equal(readAll('250 2.1.1234 too long\r\n').replies[0].enhanced, null);
    assert.equal(readAll('250 3.1.0 bad class\r\n').replies[0].enhanced, null);
    assert.equal(readAll('250 2.1.0x no\r\n').replies[0].enhanced, null);
    assert.equal(readAll('354 go ahead\r\n').replies[0].enhanced, null);
  });

  test('bare code line and empty continuation text', () => {
    const { replies } = readAll('250-\r\n250\r\n');
    assert.deepEqual(replies[0].lines, ['', '']);
  });

  test('the same bytes give the same replies whatever the chunking', () => {
    const wire = '250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n221 2.0.0 bye\r\n';
    const whole = readAll(wire).replies;
    assert.equal(whole.length, 2);
    for (const size of [1, 2, 3, 7]) assert.deepEqual(readAll(wire, undefined, size).replies, whole);
  });

  test('CRLF split between chunks and bare LF', () => {
    const reader = new ReplyReader();
    reader.feed(Buffer.from('220 a\r'));
    assert.equal(reader.take(), undefined);
    reader.feed(Buffer.from('\n250-b\n250 c\n'));
    assert.deepEqual(reader.take()?.lines, ['a']);
    assert.deepEqual(reader.take()?.lines, ['b', 'c']);
  });

  test('UTF-8 split across chunks decodes intact (SMTPUTF8 text)', () => {
    const { replies } = readAll('250 Grüße ✓\r\n', undefined, 1);
    assert.deepEqual(replies[0].lines, ['Grüße ✓']);
  });

  test('several replies in one chunk queue in order', () => {
    const { replies } = readAll('250 a\r\n250 b\r\n550 c\r\n');
    assert.deepEqual(replies.map((r) => [r.code, r.message]), [[250, 'a'], [250, 'b'], [550, 'c']]);
  });

  test('mixed codes are a protocol error', () => {
    const { replies, reader } = readAll('250-a\r\n251 b\r\n');
    assert.equal(replies.length, 0);
    assert.equal(reader.error?.reason, 'mixed-codes');
    assert.equal(reader.error?.line, '251 b');
    assert.equal(reader.error?.lineNumber, 2);
  });

  test('malformed lines are protocol errors', () => {
    for (const bad of ['hello\r\n', '25 short\r\n', '250text\r\n', '\r\n', '650 bad class\r\n', '2500 four digits\r\n']) {
      const { reader } = readAll(bad);
      assert.equal(reader.error?.reason, 'malformed-line', JSON.stringify(bad));
    }
  });

  test('too many lines stops at the limit without buffering the rest', () => {
    const wire = '250-x\r\n'.repeat(10_000);
    const { reader, lines } = readAll(wire);
    assert.equal(reader.error?.reason, 'too-many-lines');
    assert.equal(lines.length, DEFAULT_REPLY_LIMITS.maxLines + 1);
    // Poisoned: later input is ignored.
    reader.feed(Buffer.from('250 ok\r\n'));
    assert.equal(reader.take(), undefined);
    assert.equal(reader.error?.reason, 'too-many-lines');
  });

  test('a reply with exactly maxLines lines is fine', () => {
    const wire = '250-x\r\n'.repeat(4) + '250 y\r\n';
    assert.equal(readAll(wire, { maxLines: 5 }).replies.length, 1);
    assert.equal(readAll(wire, { maxLines: 4 }).reader.error?.reason, 'too-many-lines');
  });

  test('over-long line detected before its end arrives, at the configured limit', () => {
    const reader = new ReplyReader({ limits: { maxLineLength: 10 } });
    reader.feed(Buffer.from('250 0123456')); // 11 octets, no LF yet: still acceptable (CR may follow)
    assert.equal(reader.error?.reason, undefined);
    reader.feed(Buffer.from('7'));
    assert.equal(reader.error?.reason, 'line-too-long');
    assert.equal(reader.error?.line, '250 012345');
  });

  test('a line exactly at the limit is accepted, with CRLF or LF', () => {
    assert.equal(readAll('250 012345\r\n', { maxLineLength: 10 }).replies.length, 1);
    assert.equal(readAll('250 012345\n', { maxLineLength: 10 }).replies.length, 1);
    assert.equal(readAll('250 0123456\r\n', { maxLineLength: 10 }).reader.error?.reason, 'line-too-long');
  });

  test('default line limit is 2048 octets', () => {
    assert.equal(readAll(`250 ${'a'.repeat(2044)}\r\n`).replies.length, 1);
    assert.equal(readAll(`250 ${'a'.repeat(2045)}\r\n`).reader.error?.reason, 'line-too-long');
  });

  test('total reply size limit', () => {
    const wire = '250-0123456789\r\n'.repeat(5) + '250 end\r\n';
    assert.equal(readAll(wire, { maxReplyBytes: 1000 }).replies.length, 1);
    assert.equal(readAll(wire, { maxReplyBytes: 50 }).reader.error?.reason, 'reply-too-large');
    // An unterminated line counts too.
    const reader = new ReplyReader({ limits: { maxReplyBytes: 25 } });
    reader.feed(Buffer.from('250-0123456789\r\n250-0'));
    assert.equal(reader.error?.reason, undefined);
    reader.feed(Buffer.from('12345'));
    assert.equal(reader.error?.reason, 'reply-too-large');
  });

  test('partial() and tail() keep what arrived of an unfinished reply', () => {
    const reader = new ReplyReader();
    reader.feed(Buffer.from('250-first\r\n250-sec'));
    assert.equal(reader.inReply, true);
    assert.equal(reader.tail(), '250-sec');
    assert.deepEqual(reader.partial(), ['250-first', '250-sec']);
  });

  test('discard() drops queued replies, the reply in progress and the tail, and counts octets', () => {
    const reader = new ReplyReader();
    reader.feed(Buffer.from('250 a\r\n250-b\r\n25'));
    assert.equal(reader.discard(), 7 + 7 + 2);
    assert.equal(reader.queued, 0);
    assert.equal(reader.inReply, false);
    reader.feed(Buffer.from('220 fresh\r\n'));
    assert.deepEqual(reader.take()?.lines, ['fresh']);
  });
});
