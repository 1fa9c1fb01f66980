// Verifying messages off the main thread, each within a time budget. A few worker threads
// (verify-worker.ts) run mailauth; the main thread keeps answering SMTP clients and serves the
// workers' DNS lookups through the resolver it was given. A message whose verification outlasts
// the budget has its worker terminated (a thread stuck in a quadratic loop cannot be asked to
// stop; terminate() can stop it) and gets a temperror verdict saying so; a new worker takes
// the next message. A worker that runs out of its heap or fails is handled the same way.
import { Worker } from 'node:worker_threads';
import type { DnsResolver } from '../net/dns/types.ts';
import { unverifiedVerdict, type AuthVerdict } from './auth-verdict.ts';
import type { ToParent, VerifyRequest } from './verify-protocol.ts';

// Built to dist/serve/verify-worker.js; run from source (tests) it is the .ts file.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './verify-worker.ts' : './verify-worker.js', import.meta.url);

export type VerifyJob = Omit<VerifyRequest, 'type' | 'job'>;

export interface VerifierOptions {
  resolver: Pick<DnsResolver, 'resolve'>;
  /** the time budget of one message, from the moment a ready worker takes it (a worker's own start-up, loading mailauth, is not counted) */
  timeoutMs: number;
  /** messages verified at once; more wait their turn (default 2) */
  workers?: number;
  /** V8 heap limit of one worker in MB (default 512): a message that needs more gets temperror */
  heapMb?: number;
}

interface Running {
  job: number;
  request: VerifyJob;
  timer: NodeJS.Timeout | null;
  done: (verdict: AuthVerdict) => void;
}

/** How long a new worker may take to load mailauth before it is given up on. */
const WORKER_START_BUDGET_MS = 30_000;

export class MessageVerifier {
  private readonly options: VerifierOptions;
  private readonly maxWorkers: number;
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Running | null>();
  /** workers that have loaded mailauth and said so */
  private readonly ready = new WeakSet<Worker>();
  private readonly waiting: Array<{ request: VerifyJob; done: (verdict: AuthVerdict) => void }> = [];
  private nextJob = 0;
  private closed = false;

  constructor(options: VerifierOptions) {
    this.options = options;
    this.maxWorkers = Math.max(1, options.workers ?? 2);
  }

  /** The verdict; never rejects: a message that could not be verified gets a temperror verdict. */
  verify(request: VerifyJob): Promise<AuthVerdict> {
    if (this.closed) return Promise.resolve(unverifiedVerdict(request, 'not verified: the verifier was stopped'));
    return new Promise((done) => {
      this.waiting.push({ request, done });
      this.pump();
    });
  }

  /** Stop every worker; messages still waiting or being verified get a temperror verdict. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { request, done } of this.waiting.splice(0)) done(unverifiedVerdict(request, 'not verified: the verifier was stopped'));
    const workers = [...this.running.keys(), ...this.idle.splice(0)];
    for (const worker of workers) this.abandon(worker, 'not verified: the verifier was stopped');
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }

  private pump(): void {
    while (this.waiting.length > 0 && !this.closed) {
      let worker = this.idle.pop();
      if (!worker) {
        if (this.running.size >= this.maxWorkers) return;
        worker = this.spawn();
      }
      const { request, done } = this.waiting.shift()!;
      this.nextJob += 1;
      const job = this.nextJob;
      const running: Running = { job, request, timer: null, done };
      if (this.ready.has(worker)) this.startBudget(worker, running);
      else running.timer = setTimeout(() => this.abandon(worker, `verification failed: the verifier did not start within ${WORKER_START_BUDGET_MS} ms`), WORKER_START_BUDGET_MS);
      this.running.set(worker, running);
      worker.ref();
      const message: VerifyRequest = { type: 'verify', job, ...request };
      worker.postMessage(message);
    }
  }

  private startBudget(worker: Worker, running: Running): void {
    if (running.timer) clearTimeout(running.timer);
    running.timer = setTimeout(() => this.abandon(worker, `verification took longer than ${this.options.timeoutMs} ms`), this.options.timeoutMs);
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb ?? 512 } });
    this.running.set(worker, null);
    worker.on('message', (message: ToParent) => {
      if (message.type === 'ready') {
        this.ready.add(worker);
        const running = this.running.get(worker);
        if (running) this.startBudget(worker, running);
      } else if (message.type === 'lookup') this.lookup(worker, message);
      else if (message.type === 'verdict') this.finish(worker, message.job, message.verdict);
      else this.finish(worker, message.job, null, `verification failed: ${message.message}`);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.abandon(worker, error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `verification needed more than ${this.options.heapMb ?? 512} MB of memory` : `verification failed: ${error.message}`);
    });
    worker.on('exit', () => this.abandon(worker, 'verification failed: the worker stopped'));
    return worker;
  }

  private lookup(worker: Worker, message: Extract<ToParent, { type: 'lookup' }>): void {
    const answer = (reply: { value?: unknown; error?: { code: string | undefined; message: string } }) => {
      if (this.running.has(worker)) worker.postMessage({ type: 'answer', id: message.id, ...reply });
    };
    this.options.resolver.resolve(message.name, message.rrtype as never).then(
      (value) => answer({ value }),
      (error: Error & { code?: string }) => answer({ error: { code: error.code, message: error.message } }),
    );
  }

  private finish(worker: Worker, job: number, verdict: AuthVerdict | null, failure?: string): void {
    const running = this.running.get(worker);
    if (!running || running.job !== job) return;
    if (running.timer) clearTimeout(running.timer);
    this.running.delete(worker);
    running.done(verdict ?? unverifiedVerdict(running.request, failure ?? 'verification failed'));
    if (this.closed) {
      void worker.terminate();
    } else {
      worker.unref();
      this.idle.push(worker);
      this.pump();
    }
  }

  /** Give up on a worker: its message (if any) gets a temperror verdict, and it is terminated. */
  private abandon(worker: Worker, reason: string): void {
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    if (!this.running.has(worker)) return;
    const running = this.running.get(worker);
    this.running.delete(worker);
    void worker.terminate();
    if (running) {
      if (running.timer) clearTimeout(running.timer);
      running.done(unverifiedVerdict(running.request, reason));
    }
    this.pump();
  }
}
