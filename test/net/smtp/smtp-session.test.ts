import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { SmtpError, SmtpSession } from '../../../src/net/smtp/smtp-session.ts';
import { formatTranscript } from '../../../src/net/smtp/transcript.ts';
import type { TranscriptEntry } from '../../../src/net/smtp/transcript.ts';
import { authMechanisms, hasStartTls, parseEhlo, pipelining } from '../../../src/net/smtp/ehlo.ts';

// --- a scripted SMTP server on 127.0.0.1 ------------------------------------------------------

/** The server side of one connection, driven line by line by the test. */
class Peer {
  socket: net.Socket;
  /** Every line received, in order, with the transport it arrived on. */
  readonly received: Array<{ line: string; tls: boolean }> = [];
  /** Raw octets received (for "nothing was sent" checks). */
  bytesReceived = 0;
  private buffer = '';
  private readonly lines: string[] = [];
  private lineWaiters: Array<(line: string) => void> = [];
  private readonly onData = (chunk: Buffer): void => this.feed(chunk);

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('error', () => undefined); // the client may reset us; that is the point of some tests
    socket.on('data', this.onData);
  }

  send(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** The next complete line the client sent (CRLF removed). */
  nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.lineWaiters.push(resolve));
  }

  /** Become the TLS server on this connection (after replying 220 to STARTTLS). */
  async upgrade(key: string, cert: string): Promise<void> {
    this.socket.off('data', this.onData);
    const secure = new tls.TLSSocket(this.socket, { isServer: true, key, cert });
    secure.on('error', () => undefined);
    this.socket = secure;
    secure.on('data', this.onData);
    await once(secure, 'secure');
  }

  private feed(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    this.buffer += chunk.toString('utf8');
    let i: number;
    while ((i = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.received.push({ line, tls: this.socket instanceof tls.TLSSocket });
      const waiter = this.lineWaiters.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    }
  }
}

interface Harness {
  session: SmtpSession;
  peer: Peer;
  client: net.Socket;
}

/**
 * Start a server whose single connection is handled by `script`, dial it, wrap the client
 * socket in an SmtpSession, run `body`, then tear everything down.
 */
async function withSession(
  script: (peer: Peer) => Promise<void> | void,
  body: (h: Harness) => Promise<void>,
  options: ConstructorParameters<typeof SmtpSession>[1] = {},
): Promise<void> {
  let peer: Peer | undefined;
  const scriptDone: Array<Promise<void>> = [];
  const server = net.createServer((socket) => {
    peer = new Peer(socket);
    scriptDone.push(Promise.resolve(script(peer)).catch(() => undefined));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  while (peer === undefined) await new Promise((r) => setImmediate(r));
  const session = new SmtpSession(client, options);
  try {
    await body({ session, peer, client });
  } finally {
    session.close();
    peer.socket.destroy();
    server.close();
    await once(server, 'close');
  }
}

function texts(entries: TranscriptEntry[], dir?: TranscriptEntry['dir']): string[] {
  return entries.filter((e) => dir === undefined || e.dir === dir).map((e) => e.text);
}

async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SmtpError, `expected SmtpError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the operation to fail');
}

// --- a throw-away self-signed certificate -------------------------------------------------------

let certDir = '';
let key = '';
let cert = '';

before(() => {
  // Node cannot issue X.509 certificates itself; openssl makes a throw-away one per run.
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-session-test-'));
  const keyFile = path.join(certDir, 'key.pem');
  const certFile = path.join(certDir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=mx.test.example',
  ], { stdio: 'ignore' });
  key = fs.readFileSync(keyFile, 'utf8');
  cert = fs.readFileSync(certFile, 'utf8');
});

after(() => {
  if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
});

const EHLO_PLAIN = '250-mx.test.example Hello probe\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 8BITMIME\r\n';
const EHLO_TLS = '250-mx.test.example Hello again\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n';

// --- tests ------------------------------------------------------------------------------------

describe('SmtpSession', () => {
  test('greeting, multi-line EHLO, STARTTLS upgrade, EHLO over TLS, QUIT', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 mx.test.example ESMTP ready\r\n');
        assert.equal(await peer.nextLine(), 'EHLO probe.example');
        peer.send(EHLO_PLAIN);
        assert.equal(await peer.nextLine(), 'STARTTLS');
        peer.send('220 2.0.0 Ready to start TLS\r\n');
        await peer.upgrade(key, cert);
        assert.equal(await peer.nextLine(), 'EHLO probe.example');
        peer.send(EHLO_TLS);
        assert.equal(await peer.nextLine(), 'QUIT');
        peer.send('221 2.0.0 Bye\r\n');
      },
      async ({ session, peer, client }) => {
        const greeting = await session.readGreeting(2000);
        assert.equal(greeting.code, 220);
        assert.deepEqual(greeting.lines, ['mx.test.example ESMTP ready']);

        const ehlo = await session.command('EHLO probe.example', 2000);
        assert.equal(ehlo.code, 250);
        assert.equal(ehlo.lines.length, 5);
        const info = parseEhlo(ehlo);
        assert.equal(info.domain, 'mx.test.example');
        assert.ok(hasStartTls(info));
        assert.ok(pipelining(info));

        const starttls = await session.command('STARTTLS', 2000);
        assert.equal(starttls.code, 220);
        assert.equal(starttls.enhanced, '2.0.0');
        assert.equal(session.secure, false);

        const secure = await session.startTls(
          { servername: 'mx.test.example', rejectUnauthorized: false, minVersion: 'TLSv1.2' },
          2000,
        );
        assert.ok(secure instanceof tls.TLSSocket);
        assert.equal(secure.getProtocol(), 'TLSv1.3');
        assert.equal(session.secure, true);
        assert.equal(session.socket, secure);

        const ehlo2 = parseEhlo(await session.command('EHLO probe.example', 2000));
        assert.equal(hasStartTls(ehlo2), false);
        assert.deepEqual(authMechanisms(ehlo2), ['PLAIN', 'LOGIN']);

        const bye = await session.quit(2000);
        assert.equal(bye.code, 221);
        assert.equal(session.closed, true);
        assert.equal(client.destroyed, true);
        assert.equal(secure.destroyed, true);

        // The server really got the second EHLO and QUIT over TLS, the first EHLO in the clear.
        assert.deepEqual(peer.received, [
          { line: 'EHLO probe.example', tls: false },
          { line: 'STARTTLS', tls: false },
          { line: 'EHLO probe.example', tls: true },
          { line: 'QUIT', tls: true },
        ]);

        const entries = session.transcript();
        assert.deepEqual(texts(entries, 'C'), ['EHLO probe.example', 'STARTTLS', 'EHLO probe.example', 'QUIT']);
        assert.deepEqual(texts(entries, 'S').slice(0, 6), [
          '220 mx.test.example ESMTP ready',
          '250-mx.test.example Hello probe',
          '250-PIPELINING',
          '250-SIZE 10240000',
          '250-STARTTLS',
          '250 8BITMIME',
        ]);
        const events = texts(entries, '*');
        assert.ok(events.some((t) => /^TLS handshake: TLSv1\.3 TLS_\w+$/.test(t)), events.join(' | '));
        assert.ok(events.some((t) => t.startsWith('certificate not verified: ')), events.join(' | '));
        assert.ok(events.includes('connection closed by client'));
        const formatted = formatTranscript(entries);
        assert.match(formatted[0], /^\+\d+ms S: 220 mx\.test\.example ESMTP ready$/);
        assert.match(formatted[1], /^\+\d+ms C: EHLO probe\.example$/);
        assert.ok(formatted.some((l) => /^\+\d+ms \* TLS handshake: /.test(l)));
      },
    );
  });

  test('transcript times come from the injected clock', async () => {
    let clock = 5000;
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        await released;
        peer.send('250 ok\r\n');
      },
      async ({ session, peer }) => {
        clock = 5003;
        await session.readGreeting(2000);
        clock = 5012;
        const reply = session.command('NOOP', 2000);
        while (peer.received.length === 0) await new Promise((r) => setImmediate(r));
        clock = 5030;
        release();
        await reply;
        assert.deepEqual(
          session.transcript().map((e) => [e.t, e.dir, e.text]),
          [
            [3, 'S', '220 hi'],
            [12, 'C', 'NOOP'],
            [30, 'S', '250 ok'],
          ],
        );
        assert.deepEqual(formatTranscript(session.transcript()), ['+3ms S: 220 hi', '+12ms C: NOOP', '+30ms S: 250 ok']);
      },
      { now: () => clock },
    );
  });

  test('multi-line reply with enhanced status codes', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('550-5.7.1 Message rejected\r\n550-5.7.1 see https://example.test/why\r\n550 5.7.1 policy\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const reply = await session.command('RCPT TO:<a@example.test>', 2000);
        assert.equal(reply.code, 550);
        assert.equal(reply.enhanced, '5.7.1');
        assert.deepEqual(reply.lines, ['5.7.1 Message rejected', '5.7.1 see https://example.test/why', '5.7.1 policy']);
        assert.equal(reply.message, 'Message rejected\nsee https://example.test/why\npolicy');
      },
    );
  });

  test('a reply delivered in many tiny chunks', async () => {
    await withSession(
      async (peer) => {
        peer.socket.setNoDelay(true);
        const text = '220-mx.test.example\r\n220-second line\r\n220 2.0.0 done\r\n';
        for (const ch of text) {
          peer.send(ch);
          await new Promise((r) => setTimeout(r, 1));
        }
      },
      async ({ session }) => {
        const reply = await session.readGreeting(5000);
        assert.equal(reply.code, 220);
        assert.deepEqual(reply.lines, ['mx.test.example', 'second line', '2.0.0 done']);
        assert.deepEqual(texts(session.transcript(), 'S'), ['220-mx.test.example', '220-second line', '220 2.0.0 done']);
      },
    );
  });

  test('bare LF line endings are accepted', async () => {
    await withSession(
      async (peer) => {
        peer.send('220-mx.test.example\n220 ready\n');
        await peer.nextLine();
        peer.send('250 ok\n');
      },
      async ({ session }) => {
        const greeting = await session.readGreeting(2000);
        assert.deepEqual(greeting.lines, ['mx.test.example', 'ready']);
        assert.equal((await session.command('NOOP', 2000)).code, 250);
      },
    );
  });

  test('a silent server: greeting timeout, nothing sent, transcript entry, socket destroyed', async () => {
    await withSession(
      () => undefined,
      async ({ session, peer, client }) => {
        const started = performance.now();
        const error = await rejection(session.readGreeting(150));
        assert.ok(performance.now() - started < 2000);
        assert.equal(error.kind, 'timeout');
        assert.equal(error.step, 'greeting');
        assert.equal(peer.bytesReceived, 0, 'reading the greeting must not send anything');
        assert.equal(client.destroyed, true);
        assert.deepEqual(texts(session.transcript()), ['timeout after 150 ms waiting for greeting']);
        // The session is over: later operations fail at once as 'closed'.
        const later = await rejection(session.command('EHLO probe.example', 1000));
        assert.equal(later.kind, 'closed');
        assert.equal(later.step, 'EHLO');
      },
    );
  });

  test('a server that closes mid-reply: kind closed, partial text kept', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('250-mx.test.example\r\n250-PIPELI');
        setTimeout(() => peer.socket.end(), 20);
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const error = await rejection(session.command('EHLO probe.example', 2000));
        assert.equal(error.kind, 'closed');
        assert.equal(error.step, 'EHLO');
        assert.deepEqual(error.partial, ['250-mx.test.example', '250-PIPELI']);
        const entries = session.transcript();
        assert.deepEqual(texts(entries, 'S'), ['220 hi', '250-mx.test.example', '250-PIPELI…']);
        assert.equal(texts(entries, '*').at(-1), 'connection closed by peer in the middle of a reply');
      },
    );
  });

  test('a connection reset is kind reset with the errno code', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.socket.resetAndDestroy();
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const error = await rejection(session.command('NOOP', 2000));
        assert.equal(error.kind, 'reset');
        assert.equal(error.code, 'ECONNRESET');
        assert.ok(texts(session.transcript(), '*').some((t) => t.startsWith('connection error: ECONNRESET')));
      },
    );
  });

  test('an endless multi-line reply hits the line limit quickly and is dropped', async () => {
    let linesWritten = 0;
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        // Keep talking until the client hangs up.
        const line = `250-${'x'.repeat(60)}\r\n`;
        while (!peer.socket.destroyed && linesWritten < 1_000_000) {
          linesWritten += 1;
          if (!peer.socket.write(line)) await Promise.race([once(peer.socket, 'drain'), once(peer.socket, 'close')]);
        }
      },
      async ({ session, client }) => {
        await session.readGreeting(2000);
        const started = performance.now();
        const error = await rejection(session.command('EHLO probe.example', 10_000));
        assert.ok(performance.now() - started < 3000, 'must not wait for the timeout');
        assert.equal(error.kind, 'protocol');
        assert.equal(error.protocolReason, 'too-many-lines');
        assert.equal(error.step, 'EHLO');
        assert.equal(client.destroyed, true);
        const entries = session.transcript();
        // greeting + 100 accepted lines + the 101st + EHLO + the protocol event (+ nothing more)
        assert.ok(entries.length <= 105, `transcript has ${entries.length} entries`);
        assert.ok(texts(entries, '*').some((t) => t.startsWith('protocol error: reply has more than 100 lines')));
      },
    );
    assert.ok(linesWritten < 1_000_000, 'the server was cut off');
  });

  test('mixed reply codes in one reply are a protocol error', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('250-first\r\n251 second\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const error = await rejection(session.command('NOOP', 2000));
        assert.equal(error.kind, 'protocol');
        assert.equal(error.protocolReason, 'mixed-codes');
        assert.match(error.message, /251 inside a multi-line 250 reply/);
      },
    );
  });

  test('a line without a reply code is a protocol error', async () => {
    await withSession(
      (peer) => peer.send('HTTP/1.1 400 Bad Request\r\n'),
      async ({ session }) => {
        const error = await rejection(session.readGreeting(2000));
        assert.equal(error.kind, 'protocol');
        assert.equal(error.protocolReason, 'malformed-line');
        assert.equal(error.step, 'greeting');
        assert.deepEqual(texts(session.transcript(), 'S'), ['HTTP/1.1 400 Bad Request']);
      },
    );
  });

  test('an over-long line fails without waiting for its end', async () => {
    await withSession(
      (peer) => peer.send(`220 ${'A'.repeat(5000)}`), // no line terminator, connection stays open
      async ({ session }) => {
        const error = await rejection(session.readGreeting(5000));
        assert.equal(error.kind, 'protocol');
        assert.equal(error.protocolReason, 'line-too-long');
        const [line] = texts(session.transcript(), 'S');
        assert.ok(line.startsWith('220 AAAA'));
        assert.ok(line.endsWith('…'));
        assert.ok(line.length <= 2049, `transcript line is ${line.length} characters`);
      },
    );
  });

  test('control characters and escape sequences in a banner come out escaped', async () => {
    await withSession(
      (peer) => peer.send('220 mx \x1b[2J\x1b]0;pwned\x07 \u202eevil\u202c\ttab\x9b31m\r\n'),
      async ({ session }) => {
        const reply = await session.readGreeting(2000);
        assert.equal(reply.code, 220);
        const [banner] = texts(session.transcript(), 'S');
        assert.equal(banner, '220 mx \\x1b[2J\\x1b]0;pwned\\x07 \\u202eevil\\u202c\\ttab\\x9b31m');
        for (const line of formatTranscript(session.transcript())) {
          assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
      },
    );
  });

  test('AUTH PLAIN initial response is redacted', async () => {
    const secret = 'hunter2-sup3r-s3cret';
    const token = Buffer.from(`\0probe@example.test\0${secret}`).toString('base64');
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('535 5.7.8 Authentication credentials invalid\r\n');
        await peer.nextLine();
        peer.send('250 ok\r\n');
      },
      async ({ session, peer }) => {
        await session.readGreeting(2000);
        const reply = await session.command(`AUTH PLAIN ${token}`, 2000);
        assert.equal(reply.code, 535);
        await session.command('NOOP', 2000);
        assert.equal(peer.received[0].line, `AUTH PLAIN ${token}`, 'the server got the real credential');
        assert.deepEqual(texts(session.transcript(), 'C'), ['AUTH PLAIN <redacted>', 'NOOP']);
        const dump = JSON.stringify(session.transcript()) + formatTranscript(session.transcript()).join('\n');
        assert.ok(!dump.includes(secret) && !dump.includes(token));
      },
    );
  });

  test('AUTH LOGIN credential lines and redact:true lines are redacted', async () => {
    const user = Buffer.from('probe@example.test').toString('base64');
    const pass = Buffer.from('correct horse battery staple').toString('base64');
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine(); // AUTH LOGIN
        peer.send('334 VXNlcm5hbWU6\r\n');
        await peer.nextLine(); // user
        peer.send('334 UGFzc3dvcmQ6\r\n');
        await peer.nextLine(); // password
        peer.send('235 2.7.0 Authentication successful\r\n');
        await peer.nextLine(); // NOOP
        peer.send('250 ok\r\n');
        await peer.nextLine(); // redact:true
        peer.send('250 ok\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        assert.equal((await session.command('AUTH LOGIN', 2000)).code, 334);
        assert.equal((await session.command(user, 2000)).code, 334);
        assert.equal((await session.command(pass, 2000)).code, 235);
        await session.command('NOOP', 2000);
        await session.command('XSECRET opaque-token-value', 2000, { redact: true });
        assert.deepEqual(texts(session.transcript(), 'C'), ['AUTH LOGIN', '<redacted>', '<redacted>', 'NOOP', '<redacted>']);
        const dump = JSON.stringify(session.transcript());
        for (const secret of [user, pass, 'opaque-token-value']) assert.ok(!dump.includes(secret), secret);
      },
    );
  });

  test('a failing AUTH continuation does not put the credential in the error', async () => {
    const pass = Buffer.from('do-not-leak').toString('base64');
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('334 UGFzc3dvcmQ6\r\n');
        await peer.nextLine();
        peer.socket.end();
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        await session.command('AUTH LOGIN', 2000);
        const error = await rejection(session.command(pass, 2000));
        assert.equal(error.step, 'auth-response');
        assert.ok(!`${error.message} ${error.step}`.includes(pass));
        assert.ok(!JSON.stringify(session.transcript()).includes(pass));
      },
    );
  });

  test('pipelining MAIL/RCPT/RCPT/RSET: one write, one reply per command', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        // Reply only after all four commands arrived: a client that waited for each reply
        // before sending the next command would time out here.
        const lines = [await peer.nextLine(), await peer.nextLine(), await peer.nextLine(), await peer.nextLine()];
        assert.equal(lines.length, 4);
        peer.send('250 2.1.0 Sender ok\r\n250 2.1.5 Recipient ok\r\n550 5.7.1 Relaying denied\r\n250 2.0.0 Reset\r\n');
      },
      async ({ session, peer }) => {
        await session.readGreeting(2000);
        const replies = await session.pipeline(
          ['MAIL FROM:<probe@example.test>', 'RCPT TO:<postmaster@example.test>', 'RCPT TO:<victim@elsewhere.test>', 'RSET'],
          2000,
        );
        assert.deepEqual(replies.map((r) => [r.code, r.enhanced]), [
          [250, '2.1.0'],
          [250, '2.1.5'],
          [550, '5.7.1'],
          [250, '2.0.0'],
        ]);
        assert.deepEqual(peer.received.map((r) => r.line), [
          'MAIL FROM:<probe@example.test>',
          'RCPT TO:<postmaster@example.test>',
          'RCPT TO:<victim@elsewhere.test>',
          'RSET',
        ]);
        assert.equal(texts(session.transcript(), 'C').length, 4);
      },
    );
  });

  test('a pipeline cut short keeps the replies that arrived and names the missing step', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        await peer.nextLine();
        peer.send('250 ok\r\n');
        setTimeout(() => peer.socket.end(), 20);
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const error = await rejection(session.pipeline(['MAIL FROM:<>', 'RCPT TO:<a@example.test>'], 2000));
        assert.equal(error.kind, 'closed');
        assert.equal(error.step, 'RCPT');
        assert.deepEqual(error.replies.map((r) => r.code), [250]);
      },
    );
  });

  test('TLS handshake failure against a server that speaks garbage after 220', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('220 Ready\r\n');
        // Whatever the client sends now (its ClientHello) is answered with plain text.
        peer.socket.once('data', () => peer.send('500 5.5.1 what is this garbage\r\n'));
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        assert.equal((await session.command('STARTTLS', 2000)).code, 220);
        const error = await rejection(session.startTls({ servername: 'mx.test.example', rejectUnauthorized: false }, 2000));
        assert.equal(error.kind, 'tls');
        assert.equal(error.step, 'tls-handshake');
        assert.match(error.code ?? '', /^ERR_SSL_/);
        assert.equal(session.closed, true);
        const entries = session.transcript();
        assert.deepEqual(texts(entries, 'C'), ['STARTTLS']);
        assert.deepEqual(texts(entries, 'S'), ['220 hi', '220 Ready']);
        const last = texts(entries, '*').at(-1) ?? '';
        assert.ok(last.startsWith(`TLS handshake failed: ${error.code}: `), last);
        const later = await rejection(session.command('EHLO probe.example', 1000));
        assert.equal(later.kind, 'closed');
      },
    );
  });

  test('a certificate rejected by the caller options is a tls error with the OpenSSL code', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('220 Ready\r\n');
        await peer.upgrade(key, cert).catch(() => undefined);
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        await session.command('STARTTLS', 2000);
        const error = await rejection(session.startTls({ servername: 'mx.test.example', rejectUnauthorized: true }, 2000));
        assert.equal(error.kind, 'tls');
        assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      },
    );
  });

  test('plaintext sent after the STARTTLS 220 is discarded, not read as a reply over TLS', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        // Response injection: a fake EHLO reply rides along with the 220.
        peer.send('220 Ready\r\n250 injected\r\n');
        await peer.upgrade(key, cert);
        await peer.nextLine();
        peer.send('250 real over tls\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        await session.command('STARTTLS', 2000);
        await session.startTls({ rejectUnauthorized: false }, 2000);
        const reply = await session.command('EHLO probe.example', 2000);
        assert.deepEqual(reply.lines, ['real over tls']);
        assert.ok(texts(session.transcript(), '*').includes('discarded 14 octets received in plaintext after the STARTTLS reply'));
      },
    );
  });

  test('a TLS handshake the server never answers times out', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        await peer.nextLine();
        peer.send('220 Ready\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        await session.command('STARTTLS', 2000);
        const error = await rejection(session.startTls({ rejectUnauthorized: false }, 150));
        assert.equal(error.kind, 'timeout');
        assert.equal(error.step, 'tls-handshake');
        assert.equal(texts(session.transcript(), '*').at(-1), 'timeout after 150 ms waiting for TLS handshake');
      },
    );
  });

  test('close() during a wait fails it as closed; commands with CR or LF are refused', async () => {
    await withSession(
      (peer) => peer.send('220 hi\r\n'),
      async ({ session, client }) => {
        await session.readGreeting(2000);
        assert.throws(() => session.command('NOOP\r\nRSET', 1000), RangeError);
        const pending = session.command('NOOP', 5000);
        setTimeout(() => session.close(), 20);
        const error = await rejection(pending);
        assert.equal(error.kind, 'closed');
        assert.equal(error.step, 'NOOP');
        assert.equal(client.destroyed, true);
        assert.equal(texts(session.transcript(), '*').at(-1), 'connection closed by client');
      },
    );
  });

  test('between operations the session does not read: an idle flood is left to TCP flow control', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n');
        // Well-formed single-line replies: nothing a parser would reject, so only not reading stops them.
        const block = Buffer.from('250 unsolicited\r\n'.repeat(4096));
        for (let i = 0; i < 160 && !peer.socket.destroyed; i++) {
          if (!peer.socket.write(block)) {
            await Promise.race([once(peer.socket, 'drain'), once(peer.socket, 'close'), new Promise((r) => setTimeout(r, 300))]);
            if (peer.socket.writableNeedDrain) break; // the client stopped reading, as it should
          }
        }
      },
      async ({ session, client }) => {
        await session.readGreeting(2000);
        await new Promise((r) => setTimeout(r, 400));
        assert.ok(client.bytesRead < 1024 * 1024, `read ${client.bytesRead} octets while idle`);
      },
    );
  });

  test('replies that arrived before a command was sent are not taken as its reply', async () => {
    await withSession(
      async (peer) => {
        peer.send('220 hi\r\n250 stale\r\n');
        await peer.nextLine();
        peer.send('250 fresh\r\n');
      },
      async ({ session }) => {
        await session.readGreeting(2000);
        const reply = await session.command('NOOP', 2000);
        assert.deepEqual(reply.lines, ['fresh']);
        assert.ok(texts(session.transcript(), '*').includes('discarded 1 unsolicited reply received before NOOP was sent'));
      },
    );
  });

  test('a greeting sent and followed by a close is still read', async () => {
    await withSession(
      (peer) => {
        peer.send('554 5.7.1 no service for you\r\n');
        peer.socket.end();
      },
      async ({ session }) => {
        await new Promise((r) => setTimeout(r, 50));
        const greeting = await session.readGreeting(2000);
        assert.equal(greeting.code, 554);
        const error = await rejection(session.command('QUIT', 1000));
        assert.equal(error.kind, 'closed');
      },
    );
  });
});
