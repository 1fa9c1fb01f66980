// The run's deadline (--deadline): one AbortSignal in the environment that every wait honours.
// - the DNS transport ends queries in flight (ECANCELLED) and sends no new ones;
// - the dialer below refuses new connections and destroys the open ones, so a probe blocked
//   on a slow banner or a stalled handshake ends at once instead of at its own timeout;
// - gatherFacts stops waiting: every fact not gathered by then ends "deadline reached", and
//   the checks that needed it end `error` (could not tell), while finished facts are kept.
import type net from 'node:net';
import type { DialRequest, Dialer } from '../net/dial.ts';

export const DEADLINE_REACHED = 'deadline reached';

/** An error with code ECANCELED, for whatever the deadline ended. */
export function deadlineError(what: string): NodeJS.ErrnoException {
  const error = new Error(`${what}: ${DEADLINE_REACHED}`) as NodeJS.ErrnoException;
  error.code = 'ECANCELED';
  return error;
}

/** `inner`, except that nothing is dialled after the deadline and every open socket is destroyed at it. */
export function deadlineDialer(inner: Dialer, signal: AbortSignal): Dialer {
  const open = new Set<net.Socket>();
  signal.addEventListener('abort', () => {
    for (const socket of open) socket.destroy(deadlineError('connection'));
    open.clear();
  }, { once: true });
  return {
    destination: (request) => inner.destination(request),
    dial(request: DialRequest): Promise<net.Socket> {
      const what = `connect to ${request.host}:${request.port}`;
      if (signal.aborted) return Promise.reject(deadlineError(what));
      return new Promise((resolve, reject) => {
        let settled = false;
        const onAbort = () => {
          if (settled) return;
          settled = true;
          reject(deadlineError(what));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        inner.dial(request).then((socket) => {
          signal.removeEventListener('abort', onAbort);
          if (settled || signal.aborted) {
            socket.destroy();
            if (!settled) { settled = true; reject(deadlineError(what)); }
            return;
          }
          settled = true;
          open.add(socket);
          socket.once('close', () => open.delete(socket));
          resolve(socket);
        }, (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          reject(error);
        });
      });
    },
  };
}
