// Issue 12, point 9: one client must not be able to stall or exhaust `serve`. Through the real
// bin: messages over the limits are refused with 552 5.3.4 naming the limit (and kept nowhere),
// a message that is slow to verify does not hold up other clients and ends temperror when the
// time budget runs out, the sessions are limited in all and per client address, and memory stays
// bounded while many clients upload oversized messages at once. Every pathological message is
// generated here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FixtureDnsServer } from '../../src/testnet/dns-server.ts';
import { startTestDns } from '../support/fixture-dns.ts';
import { bulkMessage, foldedHeaderMessage, RawSmtp } from './raw-smtp.ts';
import { startServe, type ServeEvent } from './serve-process.ts';

let dns: FixtureDnsServer;
before(async () => { dns = await startTestDns(); });
after(() => dns.stop());

const MB = 1024 * 1024;
const SMALL = ['From: joe@send.example\r\nTo: carol@send.example\r\nSubject: small\r\n\r\nhello\r\n'];

interface MessageEvent { id: string; reply: string; verdict: { error: string | null; dmarc: { result: string }; spf: { result: string } } }
const messages = (events: ServeEvent[]) => events.filter((e) => e.event === 'message') as unknown as MessageEvent[];

/** How long a new client waits for the 220 greeting. */
async function greetingDelay(port: number): Promise<{ ms: number; client: RawSmtp; greeting: string | null }> {
  const client = await RawSmtp.connect(port);
  const greeting = await client.reply();
  return { ms: performance.now() - client.connectedAt, client, greeting };
}

test('a header folded over 150,000 lines is refused (552 5.3.4, --max-header-lines) and a second client is greeted meanwhile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  const serve = await startServe(['--resolver', dns.address, '--dir', dir]);
  try {
    const first = await RawSmtp.connect(serve.port);
    assert.match((await first.reply())!, /^220 /);
    await first.sendMessage(foldedHeaderMessage(150_000));
    // the first message is now being judged (before the limits: verified on the event loop for
    // a minute and more, with no greeting for anyone else)
    const second = await greetingDelay(serve.port);
    assert.match(second.greeting ?? '', /^220 /);
    assert.ok(second.ms < 1000, `the second client waited ${Math.round(second.ms)} ms for its greeting`);
    second.client.close();
    const reply = await first.reply();
    assert.match(reply ?? '', /^552 5\.3\.4 .*more than 10000 lines.*--max-header-lines 10000/);
    // the session goes on: the next message in it is accepted
    await first.sendMessage(SMALL);
    assert.match((await first.reply()) ?? '', /^250 2\.0\.0 \S+ spf=pass dkim=none dmarc=pass$/);
    first.close();
    assert.deepEqual(readdirSync(dir).map((f) => f.replace(/^.*\./, '')).sort(), ['eml', 'json'], 'only the accepted message is kept');
  } finally {
    await serve.stop();
  }
});

test('a second client is greeted and served within 1 s while a pathological header is verified; past --verify-timeout the verdict is temperror', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  // limits raised so the message reaches mailauth: its header parse takes a minute and more
  const serve = await startServe(['--resolver', dns.address, '--dir', dir, '--max-header-lines', '1000000', '--max-header-field-size', '100M', '--verify-timeout', '8000']);
  try {
    const slow = await RawSmtp.connect(serve.port);
    assert.match((await slow.reply())!, /^220 /);
    await slow.sendMessage(foldedHeaderMessage(150_000));
    let slowReply: string | null = null;
    const slowDone = slow.reply().then((r) => { slowReply = r; });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the worker is busy with it by now

    const second = await greetingDelay(serve.port);
    assert.match(second.greeting ?? '', /^220 /);
    assert.ok(second.ms < 1000, `the second client waited ${Math.round(second.ms)} ms for its greeting`);
    // and its own message is verified in another worker, while the first one still is
    await second.client.sendMessage(SMALL);
    assert.match((await second.client.reply()) ?? '', /^250 2\.0\.0 \S+ spf=pass dkim=none dmarc=pass$/);
    assert.equal(slowReply, null, 'the slow message was still being verified');
    second.client.close();

    await slowDone;
    assert.match(slowReply ?? '', /^250 2\.0\.0 \S+ spf=temperror dkim=temperror dmarc=temperror$/);
    slow.close();
    const slowEvent = messages(serve.events()).find((m) => slowReply!.includes(m.id))!;
    assert.equal(slowEvent.verdict.error, 'verification took longer than 8000 ms');
    assert.equal(slowEvent.verdict.dmarc.result, 'temperror');
    const eml = readFileSync(join(dir, `${slowEvent.id}.eml`), 'latin1');
    assert.match(eml, /^Authentication-Results: smtp-audit\.loopback;\r\n spf=temperror \(verification took longer than 8000 ms\);\r\n dkim=temperror/);
    assert.match(eml, /X-Folded: start\r\n x\r\n x/, 'the message itself is kept whole');
  } finally {
    await serve.stop();
  }
});

test('messages over the size, line, header field and field count limits: 552 5.3.4 naming the limit, nothing kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-audit-serve-'));
  const serve = await startServe(['--resolver', dns.address, '--dir', dir, '--max-message-size', '4M']);
  const client = await RawSmtp.connect(serve.port);
  try {
    assert.match((await client.reply())!, /^220 /);
    const cases: Array<[string, Iterable<Buffer | string>, RegExp]> = [
      ['size', bulkMessage(6 * MB), /^552 5\.3\.4 message refused: the message is larger than 4194304 bytes \(--max-message-size 4194304\)$/],
      ['line', bulkMessage(2 * MB, 2 * MB), /^552 5\.3\.4 message refused: line 5 \(in the body\) is longer than 1048576 bytes \(--max-line-length 1048576\)$/],
      ['field', ['From: joe@send.example\r\nX-Big: ', ...Array.from({ length: 200 }, () => `${'y'.repeat(998)}\r\n `), 'end\r\n\r\nbody\r\n'],
        /^552 5\.3\.4 message refused: the header field X-Big is larger than 102400 bytes, folded lines included \(--max-header-field-size 102400\)$/],
      ['fields', ['From: joe@send.example\r\n', ...Array.from({ length: 1500 }, (_, i) => `X-Field-${i}: v\r\n`), '\r\nbody\r\n'],
        /^552 5\.3\.4 message refused: the header section has more than 1000 fields \(--max-header-fields 1000\)$/],
    ];
    for (const [what, message, expected] of cases) {
      await client.sendMessage(message);
      assert.match((await client.reply()) ?? '', expected, what);
    }
    await client.sendMessage(SMALL);
    assert.match((await client.reply()) ?? '', /^250 2\.0\.0 /, 'the session is still usable');
    assert.equal(readdirSync(dir).length, 2, 'only the small message is kept');
    assert.equal(messages(serve.events()).length, 1);
  } finally {
    client.close();
    await serve.stop();
  }
});

test('--max-connections-per-ip and --max-connections: the one too many gets 421 and the slot comes back', async () => {
  const serve = await startServe(['--resolver', dns.address, '--max-connections', '3', '--max-connections-per-ip', '2']);
  const open: RawSmtp[] = [];
  try {
    for (let i = 0; i < 2; i += 1) {
      open.push(await RawSmtp.connect(serve.port));
      assert.match((await open.at(-1)!.reply())!, /^220 /);
    }
    const third = await RawSmtp.connect(serve.port);
    assert.match((await third.reply()) ?? '', /^421 4\.7\.0 too many connections from 127\.0\.0\.1: the limit is 2 at once per client address/);
    assert.equal(await third.reply(), null, 'and the connection is closed');

    // another address still gets in, up to the server-wide limit
    open.push(await RawSmtp.connect(serve.port, '127.0.0.2'));
    assert.match((await open.at(-1)!.reply())!, /^220 /);
    const fourth = await RawSmtp.connect(serve.port, '127.0.0.3');
    assert.match((await fourth.reply()) ?? '', /^421 .*Too many connected clients/);

    open.shift()!.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await RawSmtp.connect(serve.port);
    assert.match((await again.reply())!, /^220 /, 'a closed session frees its slot');
    open.push(again);
  } finally {
    for (const c of open) c.close();
    await serve.stop();
  }
});

test('20 clients uploading 30 MB each at once (over the 25 MB limit): all get 552, peak RSS stays under 400 MB', async () => {
  const serve = await startServe(['--resolver', dns.address]);
  try {
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawSmtp.connect(serve.port)));
    const replies = await Promise.all(clients.map(async (client) => {
      await client.reply();
      await client.sendMessage(bulkMessage(30 * MB));
      const reply = await client.reply();
      client.close();
      return reply;
    }));
    const status = readFileSync(`/proc/${serve.pid}/status`, 'utf8');
    const peakMb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]) / 1024;
    assert.ok(peakMb < 400, `peak RSS ${Math.round(peakMb)} MB`);
    for (const reply of replies) assert.match(reply ?? '', /^552 5\.3\.4 message refused: the message is larger than 26214400 bytes/);
  } finally {
    await serve.stop();
  }
});
