// One DNS exchange with one server: UDP first, TCP when the answer is truncated
// (RFC 7766 / RFC 1035 4.2.1). Every exchange has a timeout; responses are matched on
// id and question (RFC 5452 9.1) so stray or spoofed datagrams are ignored, and TCP
// reads are capped at the 65535-octet message limit.
// Every way an exchange can go wrong ends as a rejected TransportError, never as a throw
// escaping into the event loop: a socket that cannot be created, bound or connected (no
// route, a network namespace whose loopback is down, a bad port), a send that fails, a
// peer that answers garbage. The resolver turns those into query errors (outcome `error`).
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
  /** timeout: no answer in time; refused: the port is closed; bad-response: an answer we cannot use; network: the server could not be reached at all; cancelled: the run's deadline ended the wait */
  readonly kind: 'timeout' | 'refused' | 'bad-response' | 'network' | 'cancelled';
  constructor(kind: TransportError['kind'], message: string) {
    super(message);
    this.name = 'TransportError';
    this.kind = kind;
  }
}

export interface ExchangeResult { response: DecodedResponse; protocol: 'udp' | 'tcp' }

export interface DnsTransport {
  /** Rejects only with a TransportError. `signal` (the run's deadline) ends the exchange early. */
  exchange(server: NameServer, name: string, type: RRType, timeoutMs: number, signal?: AbortSignal): Promise<ExchangeResult>;
}

function matches(response: DecodedResponse, id: number, name: string, type: RRType): boolean {
  return response.id === id && response.question !== null
    && response.question.name === name.toLowerCase() && response.question.type === typeCode(type);
}

/** A socket error as a TransportError: ECONNREFUSED is a closed port, anything else a network failure. */
function socketFailure(error: unknown, during: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(code === 'ECONNREFUSED' ? 'refused' : 'network', `${during}: ${message}`);
}

function udpExchange(server: NameServer, name: string, type: RRType, timeoutMs: number, signal?: AbortSignal): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    const id = randomInt(0, 0x10000);
    let socket: dgram.Socket | null = null;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (error: Error | null, response?: DecodedResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      try { socket?.close(); } catch { /* already closed */ }
      if (error) reject(error); else resolve(response!);
    };
    const onAbort = () => finish(new TransportError('cancelled', 'deadline reached'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    timer = setTimeout(() => finish(new TransportError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
      socket.on('error', (error) => finish(socketFailure(error, 'UDP socket')));
      socket.on('message', (message) => {
        let response: DecodedResponse;
        try {
          response = decodeResponse(message);
        } catch {
          return; // not even a DNS header: keep waiting for the real answer until the timeout
        }
        if (matches(response, id, name, type)) {
          finish(null, response); // a malformed answer is judged by the resolver (it may try another server)
        } else if (response.id === id && response.question === null && response.malformed !== null) {
          // Our id, from the server we are connected to, but a question we cannot read: the
          // server answered with a broken message. Waiting would only turn it into a timeout.
          finish(new TransportError('bad-response', `malformed answer (${response.malformed})`));
        }
      });
      // connect() so that an ICMP port-unreachable surfaces as ECONNREFUSED instead of a
      // timeout. A failed connect (ENETUNREACH, EADDRNOTAVAIL...) calls back with the error;
      // the socket is then unconnected, and send() without an address would throw.
      socket.connect(server.port, server.host, (error?: Error) => {
        if (error) return finish(socketFailure(error, `cannot reach ${formatServer(server)}`));
        if (done) return;
        try {
          socket!.send(encodeQuery(id, name, type), (sendError) => {
            if (sendError) finish(socketFailure(sendError, `cannot send to ${formatServer(server)}`));
          });
        } catch (sendError) {
          finish(socketFailure(sendError, `cannot send to ${formatServer(server)}`));
        }
      });
    } catch (error) {
      // createSocket/connect throw synchronously on arguments the OS cannot take (port 0...)
      finish(socketFailure(error, `cannot reach ${formatServer(server)}`));
    }
  });
}

const MAX_TCP_MESSAGE = 65535;

function tcpExchange(server: NameServer, name: string, type: RRType, timeoutMs: number, signal?: AbortSignal): Promise<DecodedResponse> {
  return new Promise((resolve, reject) => {
    const id = randomInt(0, 0x10000);
    const query = encodeQuery(id, name, type);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length);
    let socket: net.Socket | null = null;
    let timer: NodeJS.Timeout | undefined;
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (error: Error | null, response?: DecodedResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      if (error) reject(error); else resolve(response!);
    };
    const onAbort = () => finish(new TransportError('cancelled', 'deadline reached'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    timer = setTimeout(() => finish(new TransportError('timeout', `no answer over TCP within ${timeoutMs} ms`)), timeoutMs);
    try {
      socket = net.connect({ host: server.host, port: server.port });
    } catch (error) {
      return finish(socketFailure(error, `cannot reach ${formatServer(server)} over TCP`));
    }
    socket.on('connect', () => socket!.write(Buffer.concat([prefix, query])));
    socket.on('error', (error) => finish(socketFailure(error, 'TCP connection')));
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
  async exchange(server, name, type, timeoutMs, signal) {
    const response = await udpExchange(server, name, type, timeoutMs, signal);
    if (!response.truncated) return { response, protocol: 'udp' };
    return { response: await tcpExchange(server, name, type, timeoutMs, signal), protocol: 'tcp' };
  },
};
