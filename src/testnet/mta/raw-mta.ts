// Misbehaving fixture MTAs on raw sockets, for what smtp-server will not do: greet with 421 or
// 554, say nothing, hang up after EHLO, send an endless multi-line reply, break the TLS
// handshake, refuse EHLO, or answer everything while recording every line it receives (the
// open relay that proves the probe never sends DATA).
import net from 'node:net';

export type RawBehaviour =
  /** 421 greeting, then close (busy / rate limited) */
  | 'greeting-421'
  /** 554 greeting; answers QUIT */
  | 'banner-554'
  /** accepts the connection and never writes */
  | 'silent'
  /** greets, answers EHLO (offering STARTTLS), then closes on the next command */
  | 'close-after-ehlo'
  /** a multi-line greeting that never ends */
  | 'endless-multiline'
  /** offers STARTTLS, answers 220, then sends plaintext garbage instead of a TLS handshake */
  | 'handshake-failure'
  /** refuses EHLO and HELO with 500/502 */
  | 'ehlo-refused'
  /** refuses EHLO (502), accepts HELO: an RFC 821-only server */
  | 'helo-only'
  /** offers STARTTLS and answers it 454 (TLS not available) */
  | 'starttls-454'
  /** a relay without STARTTLS that records every line; RCPT answered with `rcptReply` */
  | 'recording-relay';

export interface RawMta {
  host: string;
  port: number;
  address: string;
  connections: number;
  /** every line received, over all connections, in order */
  lines: string[];
  stop(): Promise<void>;
}

export interface RawMtaOptions {
  behaviour: RawBehaviour;
  /** host name in the greeting and EHLO reply */
  name?: string;
  /** for recording-relay: advertise PIPELINING (default true) */
  pipelining?: boolean;
  /** for recording-relay: the reply to RCPT (default "250 2.1.5 Ok": an open relay) */
  rcptReply?: string;
  /** for recording-relay: hang up after this many RCPT commands on one connection */
  closeAfterRcpts?: number;
}

type Reply = (text: string) => void;

function lineReader(socket: net.Socket, onLine: (line: string) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let i: number;
    while ((i = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, i).replace(/\r$/, '');
      buffer = buffer.slice(i + 1);
      onLine(line);
    }
  });
}

export async function startRawMta(options: RawMtaOptions): Promise<RawMta> {
  const name = options.name ?? 'raw.mx.probe.example';
  const state = { connections: 0, lines: [] as string[] };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const send: Reply = (text) => { if (!socket.destroyed) socket.write(text); };
    serve(options, name, socket, send, state.lines, timers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    get connections() { return state.connections; },
    get lines() { return state.lines; },
    stop: () => new Promise<void>((resolve) => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function serve(options: RawMtaOptions, name: string, socket: net.Socket, send: Reply, lines: string[], timers: Set<NodeJS.Timeout>): void {
  const ehloReply = (extra: string[]) => `250-${name} hello\r\n${extra.map((e, i) => `250${i === extra.length - 1 ? ' ' : '-'}${e}\r\n`).join('')}`;
  switch (options.behaviour) {
    case 'greeting-421':
      send(`421 4.7.0 ${name} Too many connections from your address, try again later\r\n`);
      socket.end();
      return;
    case 'banner-554':
      send(`554 5.7.1 ${name} No SMTP service for you\r\n`);
      lineReader(socket, (line) => {
        lines.push(line);
        if (/^QUIT/i.test(line)) { send('221 2.0.0 Bye\r\n'); socket.end(); } else send('503 5.5.1 No service\r\n');
      });
      return;
    case 'silent':
      lineReader(socket, (line) => lines.push(line));
      return;
    case 'endless-multiline': {
      send(`220-${name} welcome\r\n`);
      const timer = setInterval(() => {
        if (socket.destroyed) { clearInterval(timer); timers.delete(timer); return; }
        send('220-this greeting never ends\r\n'.repeat(50));
      }, 5);
      timers.add(timer);
      socket.on('close', () => { clearInterval(timer); timers.delete(timer); });
      lineReader(socket, (line) => lines.push(line));
      return;
    }
    default:
      break;
  }
  send(`220 ${name} ESMTP raw fixture\r\n`);
  let afterEhlo = false;
  let rcpts = 0;
  let ignoreInput = false;
  lineReader(socket, (line) => {
    if (ignoreInput) return; // after a hang-up or STARTTLS: not SMTP lines
    lines.push(line);
    const verb = (line.split(/[ :]/)[0] ?? '').toUpperCase();
    if (verb === 'QUIT') { send('221 2.0.0 Bye\r\n'); socket.end(); return; }
    switch (options.behaviour) {
      case 'close-after-ehlo':
        if (afterEhlo) { ignoreInput = true; socket.end(); return; } // hang up (FIN), ignore the rest
        if (verb === 'EHLO') { afterEhlo = true; send(ehloReply(['PIPELINING', 'STARTTLS'])); return; }
        send('500 5.5.1 What?\r\n');
        return;
      case 'handshake-failure':
        if (verb === 'EHLO') { send(ehloReply(['STARTTLS'])); return; }
        if (verb === 'STARTTLS') {
          send('220 2.0.0 Ready to start TLS\r\n');
          // answer the client's ClientHello with something that is not a TLS record, so the
          // handshake itself fails (not the SMTP exchange before it)
          ignoreInput = true;
          socket.once('data', () => { send('this is not TLS at all, sorry\r\n'.repeat(4)); socket.end(); });
          return;
        }
        // a closed relay on the plaintext fallback session
        send(verb === 'RCPT' ? '554 5.7.1 Relay access denied\r\n' : '250 2.0.0 Ok\r\n');
        return;
      case 'ehlo-refused':
        if (verb === 'EHLO') { send('500 5.5.2 Syntax error, command unrecognized\r\n'); return; }
        if (verb === 'HELO') { send('502 5.5.1 Not implemented either\r\n'); return; }
        send('503 5.5.1 Say hello first\r\n');
        return;
      case 'helo-only':
        if (verb === 'EHLO') { send('502 5.5.1 Command not implemented\r\n'); return; }
        if (verb === 'HELO') { send(`250 ${name}\r\n`); return; }
        relayAnswer(verb, send);
        return;
      case 'starttls-454':
        if (verb === 'EHLO') { send(ehloReply(['PIPELINING', 'STARTTLS'])); return; }
        if (verb === 'STARTTLS') { send('454 4.7.0 TLS not available due to local problem\r\n'); return; }
        send(verb === 'RCPT' ? '554 5.7.1 Relay access denied\r\n' : '250 2.0.0 Ok\r\n');
        return;
      case 'recording-relay':
        if (verb === 'EHLO') { send(ehloReply([...(options.pipelining === false ? [] : ['PIPELINING']), 'SIZE 10240000', '8BITMIME', 'CHUNKING'])); return; }
        if (verb === 'HELO') { send(`250 ${name}\r\n`); return; }
        if (verb === 'RCPT') {
          rcpts++;
          send(`${options.rcptReply ?? '250 2.1.5 Ok'}\r\n`);
          if (options.closeAfterRcpts !== undefined && rcpts >= options.closeAfterRcpts) socket.end();
          return;
        }
        relayAnswer(verb, send);
        return;
      default:
        send('502 5.5.1 Not implemented\r\n');
    }
  });
}

/** An open relay's answers: everything is accepted, DATA included (so a DATA would show). */
function relayAnswer(verb: string, send: Reply): void {
  switch (verb) {
    case 'RSET': send('250 2.0.0 Ok\r\n'); return;
    case 'MAIL': send('250 2.1.0 Ok\r\n'); return;
    case 'RCPT': send('250 2.1.5 Ok\r\n'); return;
    case 'DATA': send('354 End data with <CR><LF>.<CR><LF>\r\n'); return;
    case 'BDAT': send('250 2.0.0 Ok\r\n'); return;
    case 'NOOP': send('250 2.0.0 Ok\r\n'); return;
    default: send('502 5.5.1 Not implemented\r\n');
  }
}
