// A scripted SMTP server on a raw `net` socket, for the misbehaving and refusing servers the
// send tests need (smtp-server always answers by the book): the test decides the reply to every
// command, and whether the server then hangs up. It keeps every byte it received (after TLS,
// decrypted), so a test can assert what reached the server: a password must never be there.
import net from 'node:net';
import tls from 'node:tls';

/** What the server does after a command: a reply (CRLF added per line), then optionally hang up. */
export interface Step {
  reply?: string | string[];
  /** raw text to write after the reply: an unterminated line, an endless one */
  raw?: string;
  /** 'end' sends FIN (an orderly close); 'destroy' drops the socket */
  close?: 'end' | 'destroy';
}

export interface ScriptContext {
  /** the commands of this connection so far, this one included */
  commands: string[];
  connection: number;
  /** STARTTLS has completed on this connection */
  secure: boolean;
}

export interface ScriptOptions {
  /** the greeting; default "220 scripted.test ESMTP" */
  greeting?: Step;
  /** EHLO keywords after the first line; default PIPELINING, 8BITMIME, SIZE 10240000 (and STARTTLS before TLS when `tls` is set) */
  extensions?: string[] | ((secure: boolean) => string[]);
  /** offer and perform STARTTLS with this key and certificate */
  tls?: { key: string; cert: string };
  /**
   * The answer to one command line ('<end of data>' for the end of the message). Return
   * undefined to get the default answer of an accepting server.
   */
  respond?: (command: string, context: ScriptContext) => Step | undefined;
}

export interface ScriptedServer {
  port: number;
  /** every byte received (decrypted after STARTTLS), over all connections, as latin1 text */
  received(): string;
  /** every command line received (message data excluded), over all connections */
  commands: string[];
  readonly connections: number;
  stop(): Promise<void>;
}

const crlfLines = (text: string | string[]) => (Array.isArray(text) ? text : [text]).map((line) => `${line}\r\n`).join('');

function defaultStep(command: string, keywords: string[]): Step {
  const verb = (/^[A-Za-z<]+/.exec(command)?.[0] ?? '').toUpperCase();
  switch (verb) {
    case 'EHLO': {
      const lines = ['scripted.test hello', ...keywords];
      return { reply: lines.map((k, i) => `250${i === lines.length - 1 ? ' ' : '-'}${k}`) };
    }
    case 'HELO': return { reply: '250 scripted.test' };
    case 'MAIL': return { reply: '250 2.1.0 Ok' };
    case 'RCPT': return { reply: '250 2.1.5 Ok' };
    case 'DATA': return { reply: '354 End data with <CR><LF>.<CR><LF>' };
    case '<END': return { reply: '250 2.0.0 Ok: queued as 4ScrIpT3d' };
    case 'AUTH': return { reply: '235 2.7.0 Authentication successful' };
    case 'RSET': case 'NOOP': return { reply: '250 2.0.0 Ok' };
    case 'QUIT': return { reply: '221 2.0.0 Bye', close: 'end' };
    default: return { reply: '502 5.5.2 Error: command not recognized' };
  }
}

export async function startScriptedSmtp(options: ScriptOptions = {}): Promise<ScriptedServer> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, commands: [] as string[] };
  const keywordsFor = (secure: boolean): string[] => {
    if (typeof options.extensions === 'function') return options.extensions(secure);
    const base = options.extensions ?? ['PIPELINING', '8BITMIME', 'SIZE 10240000'];
    return options.tls && !secure ? [...base, 'STARTTLS'] : base;
  };

  const server = net.createServer((plain) => {
    const connection = ++state.connections;
    sockets.add(plain);
    plain.on('close', () => sockets.delete(plain));
    plain.on('error', () => undefined);
    let socket: net.Socket = plain;
    const commands: string[] = [];
    let buffer = '';
    let inData = false;
    let closed = false;
    let secure = false;
    let lastReply = '';

    const act = (step: Step) => {
      if (closed) return;
      lastReply = step.reply === undefined ? '' : crlfLines(step.reply);
      if (lastReply) socket.write(lastReply);
      if (step.raw !== undefined) socket.write(step.raw);
      if (step.close === 'end') { closed = true; socket.end(); }
      if (step.close === 'destroy') { closed = true; socket.destroy(); }
    };

    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (closed) return;
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          // RFC 5321 section 4.1.1.4: the message ends with a line holding only "."
          const end = buffer.startsWith('.\r\n') ? 0 : buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buffer = buffer.slice(end === 0 ? 3 : end + 5);
          inData = false;
          handle('<end of data>');
          continue;
        }
        const i = buffer.indexOf('\r\n');
        if (i < 0 || closed) return;
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        handle(line);
        if (/^STARTTLS$/i.test(line) && lastReply.startsWith('220') && options.tls) {
          // RFC 3207 section 4.2: TLS starts right after the 220; anything buffered is discarded
          buffer = '';
          socket.off('data', onData);
          const secured = new tls.TLSSocket(plain, { isServer: true, key: options.tls.key, cert: options.tls.cert });
          secured.on('error', () => undefined);
          secured.on('secure', () => { secure = true; });
          secured.on('data', onData);
          socket = secured;
          return;
        }
        // the server said 354: what follows is the message
        if (/^DATA$/i.test(line) && lastReply.startsWith('354')) inData = true;
      }
    };

    const handle = (command: string) => {
      commands.push(command);
      state.commands.push(command);
      const scripted = options.respond?.(command, { commands, connection, secure });
      if (scripted) return act(scripted);
      if (/^STARTTLS$/i.test(command) && options.tls && !secure) return act({ reply: '220 2.0.0 Ready to start TLS' });
      return act(defaultStep(command, keywordsFor(secure)));
    };

    plain.on('data', onData);
    act(options.greeting ?? { reply: '220 scripted.test ESMTP' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => Buffer.concat(chunks).toString('latin1'),
    commands: state.commands,
    get connections() { return state.connections; },
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
