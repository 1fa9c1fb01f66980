// Running async jobs with at most `limit` in flight.
//
// When a job throws, no new job starts, the jobs already running are awaited (so nothing is
// left running behind the caller's back, and what they produce is still delivered), and
// then the first error is thrown.

export interface PoolOptions {
  /** awaited before each job starts: backpressure (an output that must drain first) */
  beforeEach?: () => Promise<void> | void;
  /** checked before each job starts: true stops starting new jobs (without an error) */
  stopped?: () => boolean;
}

export async function forEachPool<T>(items: readonly T[], limit: number, job: (item: T, index: number) => Promise<void>, options: PoolOptions = {}): Promise<void> {
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async () => {
    while (!failed && next < items.length && !options.stopped?.()) {
      if (options.beforeEach) await options.beforeEach();
      if (failed || next >= items.length || options.stopped?.()) return;
      const index = next++;
      try {
        await job(items[index]!, index);
      } catch (error) {
        if (!failed) { failed = true; firstError = error; }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw firstError;
}

/** Like forEachPool; the results keep input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, job: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  await forEachPool(items, limit, async (item, index) => { results[index] = await job(item, index); });
  return results;
}
