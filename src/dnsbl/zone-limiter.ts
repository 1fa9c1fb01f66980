// A per-zone concurrency limit for blocklist queries. DNSBL operators throttle or block
// resolvers that send bursts (Spamhaus answers 127.255.255.255 for "excessive number of
// queries"; URIBL and SURBL block heavy free users), so at most a few queries to one zone are
// in flight at once, while different zones proceed in parallel.
//
// One limiter serves a whole run: `zoneLimiterFor(env.resolver)` returns the same instance for
// every audit that shares the resolver, so a bulk run of many domains keeps the same per-zone
// ceiling instead of multiplying it by --concurrency.

/** Queries to one DNSBL zone that may be in flight at once. */
export const DNSBL_QUERIES_PER_ZONE = 4;

interface ZoneSlot {
  active: number;
  waiting: Array<() => void>;
}

export class ZoneLimiter {
  readonly perZone: number;
  private readonly zones = new Map<string, ZoneSlot>();

  constructor(perZone: number = DNSBL_QUERIES_PER_ZONE) {
    if (!Number.isInteger(perZone) || perZone < 1) throw new Error(`a zone limit must be a whole number of at least 1, not ${perZone}`);
    this.perZone = perZone;
  }

  /** Jobs for this zone running now (for tests and diagnostics). */
  inFlight(zone: string): number {
    return this.zones.get(zone)?.active ?? 0;
  }

  /** Runs `job` once fewer than `perZone` jobs of the same zone are running; first come, first served. */
  async run<T>(zone: string, job: () => Promise<T>): Promise<T> {
    let slot = this.zones.get(zone);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.zones.set(zone, slot);
    }
    if (slot.active < this.perZone) {
      slot.active++;
    } else {
      // the finishing job hands its place over without releasing it, so no newcomer can jump the queue
      await new Promise<void>((resolve) => slot.waiting.push(resolve));
    }
    try {
      return await job();
    } finally {
      const next = slot.waiting.shift();
      if (next) {
        next();
      } else {
        slot.active--;
        if (slot.active === 0 && this.zones.get(zone) === slot) this.zones.delete(zone);
      }
    }
  }
}

const perRun = new WeakMap<object, ZoneLimiter>();

/** The limiter shared by everything that uses `owner` (the run's resolver). */
export function zoneLimiterFor(owner: object): ZoneLimiter {
  let limiter = perRun.get(owner);
  if (!limiter) {
    limiter = new ZoneLimiter();
    perRun.set(owner, limiter);
  }
  return limiter;
}
