// The clock seam: wall time for certificate validity and report timestamps, a monotonic
// millisecond counter for durations. Tests pin `now` to make expiry checks deterministic.
import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): Date;
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

export function fixedClock(at: Date | string): Clock {
  const fixed = new Date(at);
  return { now: () => new Date(fixed), monotonicMs: () => performance.now() };
}
