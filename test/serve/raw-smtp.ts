// A bare SMTP client for the serve tests that need what `send` will not do: a pathological
// message, an upload of any size sent chunk by chunk with backpressure, sessions held open, a
// chosen local address, and the time each reply took to come.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export class RawSmtp {
  readonly socket: net.Socket;
  /** when the TCP connection was established (performance.now()) */
  readonly connectedAt: number;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;

  private constructor(socket: net.Socket, connectedAt: number) {
    this.socket = socket;
    this.connectedAt = connectedAt;
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => { this.buffer += text; this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => { /* a refused or reset session shows as close */ });
  }

  static connect(port: number, localAddress = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress });
      socket.once('connect', () => resolve(new RawSmtp(socket, performance.now())));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** The next complete reply (all its lines), or null when the server closed first. */
  async reply(timeoutMs = 120_000): Promise<string | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (this.closed) return null;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no reply within ${timeoutMs} ms (have: ${JSON.stringify(this.buffer.slice(0, 200))})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  async command(line: string): Promise<string | null> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Write bytes, waiting for the socket to drain (the server reads at its own pace). */
  async write(data: Buffer | string): Promise<void> {
    if (this.socket.write(data)) return;
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new Error('the server closed the connection'));
      this.socket.once('close', onClose);
      this.socket.once('drain', () => { this.socket.off('close', onClose); resolve(); });
    });
  }

  /** EHLO, MAIL, RCPT, DATA; then the message from `parts` (already dot-stuffed), the final dot. */
  async sendMessage(parts: Iterable<Buffer | string>, from = 'joe@send.example', to = 'carol@send.example'): Promise<void> {
    await this.expect('EHLO client.test', /^250/);
    await this.expect(`MAIL FROM:<${from}>`, /^250/);
    await this.expect(`RCPT TO:<${to}>`, /^250/);
    await this.expect('DATA', /^354/);
    for (const part of parts) await this.write(part);
    await this.write('\r\n.\r\n');
  }

  private async expect(line: string, pattern: RegExp): Promise<void> {
    const answer = await this.command(line);
    if (!answer || !pattern.test(answer)) throw new Error(`${line}: ${answer}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A header field folded over `lines` continuation lines: the pathological header of issue 12. */
export function* foldedHeaderMessage(lines: number): Generator<string> {
  yield 'From: joe@send.example\r\nTo: carol@send.example\r\nSubject: folded\r\nX-Folded: start';
  const block = '\r\n x'.repeat(1000);
  for (let i = 0; i < lines; i += 1000) yield i + 1000 <= lines ? block : '\r\n x'.repeat(lines - i);
  yield '\r\n\r\nbody\r\n';
}

/** A message of `bytes` body bytes as `lineLength`-byte lines (one line when lineLength >= bytes). */
export function* bulkMessage(bytes: number, lineLength = 998): Generator<Buffer> {
  yield Buffer.from('From: joe@send.example\r\nTo: carol@send.example\r\nSubject: bulk\r\n\r\n');
  const chunk = 1024 * 1024;
  const line = Buffer.alloc(Math.min(lineLength, chunk), 'a');
  const block = lineLength >= bytes ? Buffer.alloc(chunk, 'a') : Buffer.concat(Array.from({ length: Math.ceil(chunk / (line.length + 2)) }, () => Buffer.concat([line, Buffer.from('\r\n')])));
  for (let sent = 0; sent < bytes; sent += block.length) yield sent + block.length <= bytes ? block : block.subarray(0, bytes - sent);
}
