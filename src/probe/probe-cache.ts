// Probes are expensive and servers rate-limit them, and in bulk runs many domains share MX
// hosts. So, for the whole run (one AuditEnv):
// - each address is probed once per set of probe settings, and every domain that needs it
//   waits for the same result;
// - connections to one address never overlap (jobs on one address run one after another);
// - at most `concurrency` address jobs (so connections) run at once over the whole run.
// The run's cache is part of its environment (AuditEnv.probes, made once by createAuditEnv), so
// views of the environment made per target (--zone watches answers per audit) share it; an
// environment built by hand without one gets one here, kept for that object in a WeakMap.
import type { AuditEnv } from '../core/context.ts';
import type { SmtpAddressProbe } from './types.ts';

export class ProbeCache {
  readonly concurrency: number;
  private readonly results = new Map<string, Promise<SmtpAddressProbe>>();
  private readonly addressTails = new Map<string, Promise<unknown>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(concurrency: number) {
    this.concurrency = Math.max(1, Math.floor(concurrency));
  }

  /** Probes started so far (distinct keys). */
  get size(): number {
    return this.results.size;
  }

  /** The cached result for `key`, or the result of `run` (serialized per address, bounded overall). */
  probe(key: string, address: string, run: () => Promise<SmtpAddressProbe>): Promise<SmtpAddressProbe> {
    const cached = this.results.get(key);
    if (cached) return cached;
    const previous = this.addressTails.get(address) ?? Promise.resolve();
    const job = previous.catch(() => undefined).then(() => this.withSlot(run));
    this.addressTails.set(address, job.catch(() => undefined));
    this.results.set(key, job);
    return job;
  }

  private async withSlot<T>(run: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await run();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next job; otherwise release it
      if (next) next(); else this.active--;
    }
  }
}

const caches = new WeakMap<AuditEnv, ProbeCache>();

/** The run's cache: the env's own, else one created on first use with the concurrency then in force. */
export function probeCacheFor(env: AuditEnv, concurrency: number): ProbeCache {
  if (env.probes) return env.probes;
  let cache = caches.get(env);
  if (!cache) {
    cache = new ProbeCache(concurrency);
    caches.set(env, cache);
  }
  return cache;
}
