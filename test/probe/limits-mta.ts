// A raw SMTP server that enforces the error limits of the MTAs people run, for the relay-test
// tests: Exim's protocol-error limit (drop the session past N 500/501/503 replies), Postfix's
// soft error limit (sleep before every reply once N errors were made) and Sendmail's
// bad-recipient throttle (sleep before RCPT replies past N refused recipients in a
// transaction). It records every line and every delayed reply. Loopback only.
import net from 'node:net';

export interface LimitsMtaOptions {
  banner: string;
  /** Exim: drop the session when protocol errors (500/501/503 sent) exceed this */
  maxProtocolErrors?: number;
  /** Postfix: once this many error replies were sent, wait `sleepMs` before each reply */
  softErrorLimit?: number;
  /** Sendmail: past this many refused RCPTs in one transaction, wait `sleepMs` before each RCPT reply */
  badRcptThrottle?: number;
  sleepMs?: number;
  /** the reply to MAIL FROM for a sender, or null for 250 */
  mailReply?: (sender: string) => string | null;
  /** the reply to RCPT TO (default: 550 5.7.1 Relaying denied) */
  rcptReply?: (recipient: string, sender: string) => string;
  pipelining?: boolean;
}

export interface LimitsMta {
  address: string;
  lines: string[];
  connections: number;
  /** replies the server delayed to punish the client */
  delayedReplies: number;
  /** sessions dropped for too many protocol errors */
  dropped: number;
  stop(): Promise<void>;
}

export async function startLimitsMta(o: LimitsMtaOptions): Promise<LimitsMta> {
  const sockets = new Set<net.Socket>();
  const state: LimitsMta = { address: '', lines: [], connections: 0, delayedReplies: 0, dropped: 0, stop: async () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    state.connections++;
    let errors = 0;
    let protocolErrors = 0;
    let badRcpts = 0;
    let sender: string | null = null;
    let chain = Promise.resolve();
    const reply = (text: string, command: string): Promise<void> => {
      const code = Number(text.slice(0, 3));
      const punish = (o.softErrorLimit !== undefined && errors >= o.softErrorLimit)
        || (command === 'RCPT' && o.badRcptThrottle !== undefined && badRcpts >= o.badRcptThrottle);
      if (code >= 400) errors++;
      if (code === 500 || code === 501 || code === 503) protocolErrors++;
      if (command === 'RCPT' && code >= 400) badRcpts++;
      const send = () => {
        if (socket.destroyed) return;
        if (o.maxProtocolErrors !== undefined && protocolErrors > o.maxProtocolErrors) {
          state.dropped++;
          socket.end('421 Too many syntax or protocol errors\r\n');
          return;
        }
        socket.write(`${text}\r\n`);
      };
      if (punish) {
        state.delayedReplies++;
        return new Promise((resolve) => setTimeout(() => { send(); resolve(); }, o.sleepMs ?? 1000));
      }
      send();
      return Promise.resolve();
    };
    socket.write(`220 ${o.banner}\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        state.lines.push(line);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        chain = chain.then(async () => {
          switch (verb) {
            case 'EHLO': return reply(`250-mx.limits.example${o.pipelining === false ? '' : '\r\n250-PIPELINING'}\r\n250 8BITMIME`, verb);
            case 'RSET': sender = null; badRcpts = 0; return reply('250 2.0.0 Reset', verb);
            case 'MAIL': {
              const address = /<(.*)>/.exec(line)?.[1] ?? '';
              const answer = o.mailReply?.(address) ?? null;
              if (answer === null) { sender = address; badRcpts = 0; return reply('250 2.1.0 Ok', verb); }
              return reply(answer, verb);
            }
            case 'RCPT':
              if (sender === null) return reply('503 5.5.1 sender not yet given', verb);
              return reply(o.rcptReply?.(/<(.*)>/.exec(line)?.[1] ?? '', sender) ?? '550 5.7.1 Relaying denied', verb);
            case 'QUIT': await reply('221 2.0.0 Bye', verb); socket.end(); return undefined;
            default: return reply('502 5.5.2 not implemented', verb);
          }
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  state.stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
