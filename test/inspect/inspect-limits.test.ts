// Issue 12, point 9, for `inspect`: the pathological messages (a header folded over 150,000
// lines: 90 s in mailauth's header parser; a 50 MB single-line body: 113 s in DKIM relaxed body
// canonicalization) end in bounded time with an honest result. Over a limit: one line naming
// the limit, exit 2, nothing parsed. With the limits raised: the time budget stops the
// verification and every result is temperror (exit 3), with the reason. Files made here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '../support/run-bin.ts';

const work = mkdtempSync(join(tmpdir(), 'smtp-audit-inspect-limits-'));
const FOLDED = join(work, 'folded.eml');
const LONG_LINE = join(work, 'long-line.eml');
const SIGNED_HEAD = 'From: joe@send.example\r\nTo: carol@send.example\r\nSubject: long\r\n'
  + 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=send.example; s=rsa2048; h=from:to:subject; bh=AAAA; b=AAAA\r\n\r\n';

before(() => {
  writeFileSync(FOLDED, `From: joe@send.example\nTo: carol@send.example\nSubject: folded\nX-Folded: a${'\n b'.repeat(150_000)}\n\nbody\n`);
  writeFileSync(LONG_LINE, Buffer.concat([Buffer.from(SIGNED_HEAD), Buffer.alloc(50 * 1024 * 1024, 'a'), Buffer.from('\r\n')]));
});
after(() => rmSync(work, { recursive: true, force: true }));

// A generous bound: each run below takes well under a second on an idle machine (before the
// limits: 90 s and 113 s); runBin kills the process and fails the test past it.
const BOUND = { timeoutMs: 20_000 };

test('a header folded over 150,000 lines: exit 2, one line naming --max-header-lines', async () => {
  const r = await runBin(['inspect', FOLDED, '--resolver', '127.0.0.1:9'], BOUND);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `smtp-audit: ${FOLDED}: the header section has more than 10000 lines, folded lines included (--max-header-lines 10000): not inspected (raise the limit to inspect it)\n`);
});

test('a 50 MB single-line body: exit 2 naming --max-message-size, or --max-line-length when the size is allowed', async () => {
  const size = await runBin(['inspect', LONG_LINE, '--resolver', '127.0.0.1:9'], BOUND);
  assert.equal(size.code, 2, size.stderr);
  assert.equal(size.stderr, `smtp-audit: ${LONG_LINE} is ${SIGNED_HEAD.length + 50 * 1024 * 1024 + 2} bytes, larger than --max-message-size 26214400: not inspected (raise the limit to inspect it)\n`);
  const line = await runBin(['inspect', LONG_LINE, '--resolver', '127.0.0.1:9', '--max-message-size', '60M', '--format', 'json'], BOUND);
  assert.equal(line.code, 2, line.stderr);
  assert.equal(line.stdout, '');
  assert.match(line.stderr, /^smtp-audit: \S+: line 6 \(in the body\) is longer than 1048576 bytes \(--max-line-length 1048576\): not inspected/);
});

test('with the limits raised, the time budget ends verification: temperror everywhere, the reason, exit 3', async () => {
  const r = await runBin(['inspect', FOLDED, '--resolver', '127.0.0.1:9', '--ip', '127.0.0.1', '--max-header-lines', '200000', '--max-header-field-size', '10M', '--verify-timeout', '1500', '--format', 'json'], BOUND);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict.error, 'verification took longer than 1500 ms');
  assert.deepEqual([report.verdict.spf.result, report.verdict.dmarc.result, report.verdict.arc.result], ['temperror', 'temperror', 'temperror']);
  assert.equal(report.headers.subject, 'folded', 'what the header analysis found is still reported');
  assert.equal(report.exitCode, 3);

  const table = await runBin(['inspect', FOLDED, '--resolver', '127.0.0.1:9', '--max-header-lines', '200000', '--max-header-field-size', '10M', '--verify-timeout', '1500'], BOUND);
  assert.equal(table.code, 3);
  assert.match(table.stdout, /^ {2}error {12}verification took longer than 1500 ms: nothing could be determined$/m);
  assert.match(table.stdout, /^ {2}dmarc {2}temperror$/m);
  assert.match(table.stdout, /^some results could not be determined \(exit 3\)$/m);
});

test('a message on a pipe (a FIFO, or /dev/stdin in a shell pipeline) is read up to the size limit only', async () => {
  const fifo = join(work, 'message.fifo');
  execFileSync('mkfifo', [fifo]);
  const message = `From: joe@send.example\nSubject: piped\n\n${'line\n'.repeat(1000)}`;
  const feed = () => createWriteStream(fifo).on('error', () => { /* the reader stops early: EPIPE */ }).end(message);
  feed();
  const over = await runBin(['inspect', fifo, '--max-message-size', '4K'], BOUND);
  assert.equal(over.code, 2);
  assert.equal(over.stderr, `smtp-audit: ${fifo} is larger than --max-message-size 4096: not inspected (raise the limit to inspect it)\n`);
  feed();
  const within = await runBin(['inspect', fifo, '--resolver', '127.0.0.1:9', '--format', 'json'], BOUND);
  assert.equal(JSON.parse(within.stdout).headers.subject, 'piped', within.stderr);
});

test('limit flags: bad values are usage errors, and K/M suffixes are understood', async () => {
  for (const args of [['--max-line-length', '10'], ['--max-message-size', '5X'], ['--max-header-lines', '-1'], ['--verify-timeout', 'soon'], ['--max-header-fields', '1.5']]) {
    const r = await runBin(['inspect', FOLDED, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^smtp-audit: ${args[0]} must be`));
  }
  const small = join(work, 'small.eml');
  writeFileSync(small, `From: joe@send.example\nSubject: x\n\n${'a'.repeat(3000)}\n`);
  const r = await runBin(['inspect', small, '--resolver', '127.0.0.1:9', '--max-line-length', '2K']);
  assert.match(r.stderr, /line 4 \(in the body\) is longer than 2048 bytes \(--max-line-length 2048\)/);
});
