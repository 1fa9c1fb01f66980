// SMTP peers on raw sockets for the hostile-network tests: each connection is handed to a
// script that writes what it likes, when it likes. The server counts connections and the most
// open at once, so tests can see the probe's concurrency from the peer's side.
import net from 'node:net';

export interface RawSmtpServer {
  host: string;
  port: number;
  /** connections accepted so far */
  connections: number;
  /** the most connections open at one moment */
  maxConcurrent: number;
  /** every line received, over all connections */
  lines: string[];
  stop(): Promise<void>;
}

export interface Peer {
  socket: net.Socket;
  /** the session is over from the peer's side (QUIT received): it stops counting as open before the client can see the reply, so a client that waits for one connection to end before opening the next is never seen overlapping */
  done(): void;
  write(text: string): void;
  /** resolves with the next line the client sends (without CRLF), or null when it closes */
  nextLine(): Promise<string | null>;
}

export type PeerScript = (peer: Peer) => void | Promise<void>;

/** Open connections counted over several servers. */
export interface SharedCount { open: number; max: number }

export async function startRawSmtp(script: PeerScript, host = '127.0.0.1', shared?: SharedCount): Promise<RawSmtpServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, open: 0, maxConcurrent: 0 };
  const lines: string[] = [];
  const server = net.createServer((socket) => {
    state.connections++;
    state.open++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.open);
    if (shared) {
      shared.open++;
      shared.max = Math.max(shared.max, shared.open);
    }
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      state.open--;
      if (shared) shared.open--;
    };
    sockets.add(socket);
    socket.on('close', () => { done(); sockets.delete(socket); });
    socket.on('error', () => undefined);
    const peer = peerOver(socket, done, lines);
    Promise.resolve(script(peer)).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host, port, lines,
    get connections() { return state.connections; },
    get maxConcurrent() { return state.maxConcurrent; },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Peer reading lines from `stream` (a plain socket, or the TLS socket after STARTTLS). */
export function peerOver(stream: net.Socket, done: () => void = () => undefined, lines: string[] = []): Peer {
  let buffer = '';
  let closed = false;
  const waiting: Array<(line: string | null) => void> = [];
  const queued: string[] = [];
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let i: number;
    while ((i = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, i).replace(/\r$/, '');
      buffer = buffer.slice(i + 1);
      lines.push(line);
      const waiter = waiting.shift();
      if (waiter) waiter(line); else queued.push(line);
    }
  });
  stream.on('close', () => { closed = true; for (const w of waiting.splice(0)) w(null); });
  stream.on('error', () => undefined);
  return {
    socket: stream,
    done,
    write: (text) => { if (!stream.destroyed) stream.write(text); },
    nextLine: () => {
      const line = queued.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A plain, well-behaved MTA without STARTTLS that refuses to relay: after `greetDelayMs` it
 * greets, answers EHLO/HELO, MAIL, RCPT (550 relay denied), RSET, NOOP and QUIT.
 */
export function politeMta(name = 'mx.example.test', greetDelayMs = 0): PeerScript {
  return async (peer) => {
    if (greetDelayMs > 0) await sleep(greetDelayMs);
    peer.write(`220 ${name} ESMTP ready\r\n`);
    for (;;) {
      const line = await peer.nextLine();
      if (line === null) return;
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') peer.write(`250-${name} hello\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n`);
      else if (verb === 'HELO') peer.write(`250 ${name}\r\n`);
      else if (verb === 'MAIL') peer.write('250 2.1.0 Ok\r\n');
      else if (verb === 'RCPT') peer.write('550 5.7.1 Relaying denied\r\n');
      else if (verb === 'QUIT') {
        peer.done();
        peer.write('221 2.0.0 Bye\r\n');
        peer.socket.end();
        return;
      } else peer.write('250 2.0.0 Ok\r\n');
    }
  };
}

/** Answers the commands of one session politely (no relaying) until QUIT or close; `extraEhlo` lines join the EHLO reply. */
export async function converse(peer: Peer, name: string, extraEhlo: string[] = [], onStartTls?: () => Promise<void>): Promise<void> {
  for (;;) {
    const line = await peer.nextLine();
    if (line === null) return;
    const verb = line.slice(0, 8).toUpperCase();
    if (verb.startsWith('EHLO')) peer.write([`250-${name} hello`, ...extraEhlo.map((e) => `250-${e}`), '250 SIZE 10240000'].join('\r\n') + '\r\n');
    else if (verb.startsWith('HELO')) peer.write(`250 ${name}\r\n`);
    else if (verb.startsWith('STARTTLS') && onStartTls) return onStartTls();
    else if (verb.startsWith('MAIL')) peer.write('250 2.1.0 Ok\r\n');
    else if (verb.startsWith('RCPT')) peer.write('550 5.7.1 Relaying denied\r\n');
    else if (verb.startsWith('QUIT')) {
      peer.done();
      peer.write('221 2.0.0 Bye\r\n');
      peer.socket.end();
      return;
    } else peer.write('250 2.0.0 Ok\r\n');
  }
}
