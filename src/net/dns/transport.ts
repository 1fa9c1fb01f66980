// One DNS exchange with one server: UDP first (over reused sockets, udp-channels.ts), TCP when
// the answer is truncated
// (RFC 7766 / RFC 1035 4.2.1). Every exchange has a timeout; responses are matched on
// id and question (RFC 5452 9.1) so stray or spoofed datagrams are ignored, and TCP
// reads are capped at the 65535-octet message limit.
// Every way an exchange can go wrong ends as a rejected TransportError, never as a throw
// escaping into the event loop: a socket that cannot be created, bound or connected (no
// route, a network namespace whose loopback is down, a bad port), a send that fails, a
// peer that answers garbage. The resolver turns those into query errors (outcome `error`).
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { decodeResponse, encodeQuery, typeCode, type DecodedResponse } from './wire.ts';
import type { RRType } from './types.ts';

export { formatServer, socketFailure, TransportError, type NameServer } from './transport-errors.ts';
import { formatServer, socketFailure, TransportError, type NameServer } from './transport-errors.ts';
import { UdpChannels } from './udp-channels.ts';

export interface ExchangeResult { response: DecodedResponse; protocol: 'udp' | 'tcp' }

export interface DnsTransport {
  /** Rejects only with a TransportError. `signal` (the run's deadline) ends the exchange early. */
  exchange(server: NameServer, name: string, type: RRType, timeoutMs: number, signal?: AbortSignal): Promise<ExchangeResult>;
}

function matches(response: DecodedResponse, id: number, name: string, type: RRType): boolean {
  return response.id === id && response.question !== null
    && response.question.name === name.toLowerCase() && response.question.type === typeCode(type);
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

const udp = new UdpChannels();

export const networkTransport: DnsTransport = {
  async exchange(server, name, type, timeoutMs, signal) {
    const response = await udp.exchange(server, name, type, timeoutMs, signal);
    if (!response.truncated) return { response, protocol: 'udp' };
    return { response: await tcpExchange(server, name, type, timeoutMs, signal), protocol: 'tcp' };
  },
};
