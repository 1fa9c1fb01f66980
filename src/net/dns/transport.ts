// One DNS exchange with one server: UDP first, TCP when the answer is truncated
// (RFC 7766 / RFC 1035 4.2.1). Every exchange has a timeout; responses are matched on
// id and question (RFC 5452 9.1) so stray or spoofed datagrams are ignored, and TCP
// reads are capped at the 65535-octet message limit.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { decodeResponse, encodeQuery, typeCode, type DecodedResponse } from './wire.ts';
import type { RRType } from './types.ts';

export interface NameServer { host: string; port: number }

export function formatServer(server: NameServer): string {
  return net.isIPv6(server.host) ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

export class TransportError extends Error {
  readonly kind: 'timeout' | 'refused' | 'bad-response' | 'network';
  constructor(kind: TransportError['kind'], message: string) {
    super(message);
    this.name = 'TransportError';
    this.kind = kind;
  }
}

export interface ExchangeResult { response: DecodedResponse; protocol: 'udp' | 'tcp' }

export interface DnsTransport {
  exchange(server: NameServer, name: string, type: RRType, timeoutMs: number): Promise<ExchangeResult>;
}

function matches(response: DecodedResponse, id: number, name: string, type: RRType): boolean {
  return response.id === id && response.question !== null
    && response.question.name === name.toLowerCase() && response.question.type === typeCode(type);
}

function udpExchange(server: NameServer, name: string, type: RRType, timeoutMs: number): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    const id = randomInt(0, 0x10000);
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (error: Error | null, response?: DecodedResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error); else resolve(response!);
    };
    const timer = setTimeout(() => finish(new TransportError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(new TransportError(error.code === 'ECONNREFUSED' ? 'refused' : 'network', error.message));
    });
    socket.on('message', (message) => {
      let response: DecodedResponse;
      try {
        response = decodeResponse(message);
      } catch {
        return; // not a DNS message: keep waiting for the real answer until the timeout
      }
      if (matches(response, id, name, type)) finish(null, response);
    });
    // connect() so that an ICMP port-unreachable surfaces as ECONNREFUSED instead of a timeout.
    socket.connect(server.port, server.host, () => {
      socket.send(encodeQuery(id, name, type), (error) => {
        if (error) finish(new TransportError('network', error.message));
      });
    });
  });
}

const MAX_TCP_MESSAGE = 65535;

function tcpExchange(server: NameServer, name: string, type: RRType, timeoutMs: number): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    const id = randomInt(0, 0x10000);
    const query = encodeQuery(id, name, type);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length);
    const socket = net.connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (error: Error | null, response?: DecodedResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error); else resolve(response!);
    };
    const timer = setTimeout(() => finish(new TransportError('timeout', `no answer over TCP within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(Buffer.concat([prefix, query])));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(new TransportError(error.code === 'ECONNREFUSED' ? 'refused' : 'network', error.message));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_TCP_MESSAGE + 2) {
        finish(new TransportError('bad-response', 'TCP response over 65535 octets'));
        return;
      }
      if (buffered.length < 2) return;
      const length = buffered.readUInt16BE(0);
      if (buffered.length < length + 2) return;
      try {
        const response = decodeResponse(buffered.subarray(2, 2 + length));
        if (!matches(response, id, name, type)) {
          finish(new TransportError('bad-response', 'TCP response does not match the question'));
          return;
        }
        finish(null, response);
      } catch (error) {
        finish(new TransportError('bad-response', `undecodable response: ${(error as Error).message}`));
      }
    });
    socket.on('end', () => finish(new TransportError('bad-response', 'server closed the TCP connection before answering')));
  });
}

export const networkTransport: DnsTransport = {
  async exchange(server, name, type, timeoutMs) {
    const response = await udpExchange(server, name, type, timeoutMs);
    if (!response.truncated) return { response, protocol: 'udp' };
    return { response: await tcpExchange(server, name, type, timeoutMs), protocol: 'tcp' };
  },
};
