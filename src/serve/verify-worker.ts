// The verification worker (a worker_threads thread started by message-verifier.ts): it runs
// mailauth on one message at a time, so mailauth's parsing and canonicalization, whatever a
// message makes them cost, never hold up the thread that answers SMTP clients. DNS stays with the
// parent: every lookup is posted to it and answered through the resolver the parent was given
// (its cache, --resolver, --verbose logging), so the worker itself opens no socket.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { verifyMessage } from './auth-verdict.ts';
import type { ToParent, ToWorker } from './verify-protocol.ts';

const port = parentPort;
if (!port) throw new Error('verify-worker.ts runs as a worker thread only');
const send = (message: ToParent) => port.postMessage(message);

const lookups = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextLookup = 0;

const resolver = {
  resolve(name: string, type: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      nextLookup += 1;
      lookups.set(nextLookup, { resolve, reject });
      send({ type: 'lookup', id: nextLookup, name, rrtype: type });
    });
  },
};

async function verify(message: Extract<ToWorker, { type: 'verify' }>): Promise<void> {
  try {
    const bytes = 'file' in message.source ? await readFile(message.source.file) : Buffer.from(message.source.bytes.buffer, message.source.bytes.byteOffset, message.source.bytes.byteLength);
    const verdict = await verifyMessage({
      message: bytes,
      clientIp: message.clientIp,
      helo: message.helo,
      mailFrom: message.mailFrom,
      authservId: message.authservId,
      resolver: resolver as Parameters<typeof verifyMessage>[0]['resolver'],
    });
    send({ type: 'verdict', job: message.job, verdict });
  } catch (error) {
    send({ type: 'failed', job: message.job, message: error instanceof Error ? error.message : String(error) });
  }
}

// Load mailauth now, before the first message: its module tree takes a while to load, and that
// time must not count against a message's budget (message-verifier.ts starts it on "ready").
await import('mailauth');
send({ type: 'ready' });

port.on('message', (message: ToWorker) => {
  if (message.type === 'verify') {
    void verify(message);
    return;
  }
  const pending = lookups.get(message.id);
  if (!pending) return;
  lookups.delete(message.id);
  if (message.error) {
    // mailauth tells NXDOMAIN from SERVFAIL by the code, as node:dns/promises sets it
    pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
  } else {
    pending.resolve(message.value);
  }
});
