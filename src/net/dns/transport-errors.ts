// The transport's vocabulary: servers, and the one error type every failed exchange ends in.
import net from 'node:net';

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


/** A socket error as a TransportError: ECONNREFUSED is a closed port, anything else a network failure. */
export function socketFailure(error: unknown, during: string): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(code === 'ECONNREFUSED' ? 'refused' : 'network', `${during}: ${message}`);
}

