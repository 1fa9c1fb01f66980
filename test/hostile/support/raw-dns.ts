// A DNS server made of raw bytes, for tests of what a broken or hostile server can send: every
// octet of the answer is written here (no codec), so answers can be cut short, loop through
// compression pointers, lie about their counts or never come. UDP and TCP on one loopback port.
import dgram from 'node:dgram';
import net from 'node:net';

export interface RawQuery {
  id: number;
  /** lowercase, no trailing dot */
  name: string;
  type: number;
  /** the question section as it came (name, type, class), to echo back */
  question: Buffer;
  protocol: 'udp' | 'tcp';
}

/** What to send back: one message, nothing (the query goes unanswered), or, over TCP, a stall (accept and never answer). */
export type RawReply = Buffer | null | 'stall';

export type RawHandler = (query: RawQuery) => RawReply | Promise<RawReply>;

export interface RawDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:port" for --resolver */
  address: string;
  queries: RawQuery[];
  tcpConnections: number;
  stop(): Promise<void>;
}

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, TLSA: 52 } as const;

export function parseQuery(message: Buffer, protocol: 'udp' | 'tcp'): RawQuery | null {
  if (message.length < 17) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < message.length && message[at] !== 0) {
    const length = message[at]!;
    if (length > 63 || at + 1 + length > message.length) return null;
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  if (at + 5 > message.length) return null;
  const type = message.readUInt16BE(at + 1);
  return { id: message.readUInt16BE(0), name: labels.join('.').toLowerCase(), type, question: message.subarray(12, at + 5), protocol };
}

export function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean).map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** One resource record: owner (a name, or raw owner bytes such as a compression pointer), type, TTL, RDATA. */
export function rr(owner: string | Buffer, type: number, rdata: Buffer, ttl = 60): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([typeof owner === 'string' ? encodeName(owner) : owner, fixed, rdata]);
}

export const rdata = {
  a: (ip: string) => Buffer.from(ip.split('.').map(Number)),
  name: (name: string) => encodeName(name),
  mx: (priority: number, exchange: string) => Buffer.concat([Buffer.from([priority >> 8, priority & 0xff]), encodeName(exchange)]),
  txt: (...strings: string[]) => Buffer.concat(strings.map((s) => {
    const bytes = Buffer.from(s, 'latin1');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  })),
  soa: (mname: string, rname: string) => {
    const timers = Buffer.alloc(20);
    timers.writeUInt32BE(1, 0);
    for (let i = 1; i < 5; i++) timers.writeUInt32BE(300, i * 4);
    return Buffer.concat([encodeName(mname), encodeName(rname), timers]);
  },
};

export interface ResponseParts {
  rcode?: number;
  tc?: boolean;
  answers?: Buffer[];
  authority?: Buffer[];
  /** header counts as declared, when they should lie about what follows */
  counts?: { an?: number; ns?: number; ar?: number; qd?: number };
  /** raw octets appended after the sections */
  trailer?: Buffer;
  /** leave the question section out */
  noQuestion?: boolean;
}

/** A response to `query`: QR, RD and RA set, the question echoed, then the given sections. */
export function response(query: RawQuery, parts: ResponseParts = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  header[2] = 0x81 | (parts.tc ? 0x02 : 0); // QR, RD (+TC)
  header[3] = 0x80 | (parts.rcode ?? 0);    // RA, RCODE
  const answers = parts.answers ?? [];
  const authority = parts.authority ?? [];
  header.writeUInt16BE(parts.counts?.qd ?? (parts.noQuestion ? 0 : 1), 4);
  header.writeUInt16BE(parts.counts?.an ?? answers.length, 6);
  header.writeUInt16BE(parts.counts?.ns ?? authority.length, 8);
  header.writeUInt16BE(parts.counts?.ar ?? 0, 10);
  return Buffer.concat([header, parts.noQuestion ? Buffer.alloc(0) : query.question, ...answers, ...authority, parts.trailer ?? Buffer.alloc(0)]);
}

export async function startRawDns(handler: RawHandler, host = '127.0.0.1'): Promise<RawDnsServer> {
  const queries: RawQuery[] = [];
  const sockets = new Set<net.Socket>();
  const state = { tcpConnections: 0 };
  const tcp = net.createServer((socket) => {
    state.tcpConnections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', async (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      const query = parseQuery(buffered.subarray(2, 2 + buffered.readUInt16BE(0)), 'tcp');
      buffered = Buffer.alloc(0);
      if (!query) return;
      queries.push(query);
      const reply = await handler(query);
      if (!Buffer.isBuffer(reply)) return; // null or 'stall': keep the connection open, say nothing
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(Math.min(reply.length, 0xffff));
      socket.write(Buffer.concat([prefix, reply]));
    });
  });
  // UDP and TCP share one port (a resolver retries a truncated answer over TCP at the same
  // address): UDP takes an ephemeral port, and when TCP cannot follow (another process holds
  // that TCP port) both start again on another, so a failed start leaves no socket open
  // that would keep the test process alive
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    udp.on('message', async (message, remote) => {
      const query = parseQuery(message, 'udp');
      if (!query) return;
      queries.push(query);
      const reply = await handler(query);
      if (Buffer.isBuffer(reply)) udp.send(reply, remote.port, remote.address);
    });
    await new Promise<void>((resolve) => udp.bind(0, host, resolve));
    const port = udp.address().port;
    const listening = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      tcp.once('error', onError);
      tcp.listen(port, host, () => { tcp.off('error', onError); resolve(true); });
    });
    if (!listening) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      continue;
    }
    return server(udp, port);
  }
  throw new Error('could not bind a raw DNS server to a UDP+TCP port pair');

  function server(udp: dgram.Socket, port: number): RawDnsServer {
    return {
      host, port,
      address: net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`,
      queries,
      get tcpConnections() { return state.tcpConnections; },
      async stop() {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => tcp.close(() => resolve()));
        await new Promise<void>((resolve) => udp.close(() => resolve()));
      },
    };
  }
}
