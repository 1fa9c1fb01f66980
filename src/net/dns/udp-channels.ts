// UDP sockets for DNS questions, reused across questions. Opening, connecting and closing a
// socket for every question cost a quarter of a bulk run's CPU (measured with --cpu-prof:
// dgram's doSend, connect and close), so a few connected sockets per server carry many
// questions each, matched to their answers by message id and question (RFC 5452 section 9.1).
// A socket is retired after a number of questions and a fresh one (a fresh random source port)
// takes over, so the ports still change often enough that an off-path attacker cannot aim
// forged answers at one port for long (RFC 5452 section 10). Several sockets per server share
// the load, with a larger receive buffer, so a burst of answers is not dropped by the kernel.
// Every failure ends the questions it concerns as a TransportError, never a throw.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { decodeResponse, encodeQuery, typeCode, type DecodedResponse } from './wire.ts';
import type { RRType } from './types.ts';
import { formatServer, socketFailure, TransportError, type NameServer } from './transport-errors.ts';

/** Questions one socket carries before it is retired (a new source port then). */
const QUESTIONS_PER_SOCKET = 64;
/** Sockets open at once per server. */
const SOCKETS_PER_SERVER = 4;
/** Receive buffer asked for each socket, bytes. */
const RECEIVE_BUFFER = 1 << 20;

interface Question {
  name: string;
  type: RRType;
  resolve: (response: DecodedResponse) => void;
  reject: (error: TransportError) => void;
}

class Channel {
  readonly socket: dgram.Socket;
  readonly server: NameServer;
  /** questions waiting for their answer, by message id */
  readonly waiting = new Map<number, Question>();
  uses = 0;
  retired = false;
  private failed: TransportError | null = null;
  private readonly connected: Promise<void>;
  private readonly onRetired: (channel: Channel) => void;

  constructor(server: NameServer, onRetired: (channel: Channel) => void) {
    this.server = server;
    this.onRetired = onRetired;
    this.socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    this.socket.unref();
    this.socket.on('error', (error) => this.fail(socketFailure(error, `UDP socket to ${formatServer(server)}`)));
    this.socket.on('message', (message) => this.receive(message));
    // connect() so that an ICMP port-unreachable surfaces as ECONNREFUSED instead of a timeout
    this.connected = new Promise<void>((resolve) => {
      try {
        this.socket.connect(server.port, server.host, (error?: Error) => {
          if (error) this.fail(socketFailure(error, `cannot reach ${formatServer(server)}`));
          else {
            try { this.socket.setRecvBufferSize(RECEIVE_BUFFER); } catch { /* the system's default then */ }
          }
          resolve();
        });
      } catch (error) {
        // arguments the OS cannot take (port 0...) throw synchronously
        this.fail(socketFailure(error, `cannot reach ${formatServer(server)}`));
        resolve();
      }
    });
  }

  get usable(): boolean {
    return !this.retired && this.failed === null;
  }

  /** Sends one question; its answer, or a TransportError. */
  ask(name: string, type: RRType): { id: number; answer: Promise<DecodedResponse> } {
    let id = randomInt(0, 0x10000);
    while (this.waiting.has(id)) id = randomInt(0, 0x10000);
    this.uses++;
    if (this.uses >= QUESTIONS_PER_SOCKET) this.retire();
    const answer = new Promise<DecodedResponse>((resolve, reject) => {
      this.waiting.set(id, { name, type, resolve, reject });
    });
    void this.connected.then(() => {
      const question = this.waiting.get(id);
      if (!question) return;
      if (this.failed) return this.settle(id, this.failed);
      try {
        this.socket.send(encodeQuery(id, name, type), (error) => {
          if (error) this.settle(id, socketFailure(error, `cannot send to ${formatServer(this.server)}`));
        });
      } catch (error) {
        this.settle(id, socketFailure(error, `cannot send to ${formatServer(this.server)}`));
      }
    });
    return { id, answer };
  }

  /** Ends one question (answered, failed, timed out or cancelled). */
  settle(id: number, outcome: DecodedResponse | TransportError): void {
    const question = this.waiting.get(id);
    if (!question) return;
    this.waiting.delete(id);
    if (outcome instanceof TransportError) question.reject(outcome); else question.resolve(outcome);
    this.closeIfDone();
  }

  private receive(message: Buffer): void {
    let response: DecodedResponse;
    try {
      response = decodeResponse(message);
    } catch {
      return; // not even a DNS header: the real answer may still come
    }
    const question = this.waiting.get(response.id);
    if (!question) return; // late, stray or forged: nobody asked this
    if (response.question !== null && response.question.name === question.name.toLowerCase() && response.question.type === typeCode(question.type)) {
      this.settle(response.id, response); // a malformed answer is judged by the resolver (it may try another server)
    } else if (response.question === null && response.malformed != null) {
      // our id from the server we are connected to, but a question we cannot read: a broken
      // message, not a spoof of the one we wait for; waiting would only end in a timeout
      this.settle(response.id, new TransportError('bad-response', `malformed answer (${response.malformed})`));
    }
  }

  private fail(error: TransportError): void {
    if (this.failed) return;
    this.failed = error;
    for (const id of [...this.waiting.keys()]) this.settle(id, error);
    this.retire();
  }

  private retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.onRetired(this);
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.retired && this.waiting.size === 0) {
      try { this.socket.close(); } catch { /* already closed */ }
    }
  }
}

/** The process's UDP sockets to DNS servers: a few per server, each retired after some questions. */
export class UdpChannels {
  private readonly open = new Map<string, Channel[]>();
  private turn = 0;

  private channelFor(server: NameServer): Channel {
    const key = formatServer(server);
    const list = this.open.get(key) ?? [];
    this.open.set(key, list);
    if (list.length < SOCKETS_PER_SERVER) {
      const channel = new Channel(server, (retired) => {
        const at = list.indexOf(retired);
        if (at >= 0) list.splice(at, 1);
      });
      list.push(channel);
      return channel;
    }
    this.turn = (this.turn + 1) % list.length;
    return list[this.turn]!;
  }

  /** One question over UDP: its answer, or a TransportError (timeout, refused, network, cancelled). */
  exchange(server: NameServer, name: string, type: RRType, timeoutMs: number, signal?: AbortSignal): Promise<DecodedResponse> {
    if (signal?.aborted) return Promise.reject(new TransportError('cancelled', 'deadline reached'));
    let channel: Channel;
    try {
      channel = this.channelFor(server);
    } catch (error) {
      return Promise.reject(socketFailure(error, `cannot reach ${formatServer(server)}`));
    }
    const { id, answer } = channel.ask(name, type);
    const timer = setTimeout(() => channel.settle(id, new TransportError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => channel.settle(id, new TransportError('cancelled', 'deadline reached'));
    signal?.addEventListener('abort', onAbort, { once: true });
    return answer.finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  }
}
