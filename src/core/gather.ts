// Gathering: start the collectors for the facts the selected checks declare; each one
// awaits only the facts it needs. Every slot ends ok or with the collector's error; one
// collector failing never stops the others. At the run's deadline (env.deadline) gathering
// stops waiting: what finished is kept, every other slot ends "deadline reached".
import type { Collector, CollectContext } from './collector.ts';
import type { AuditEnv, AuditOptions } from './context.ts';
import { DEADLINE_REACHED } from './deadline.ts';
import type { FactKey, FactMap, FactSlot, FactSlots } from './facts.ts';
import type { AuditTarget } from './target.ts';

export class FactUnavailableError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`${key} facts unavailable: ${reason}`);
    this.name = 'FactUnavailableError';
    this.key = key;
  }
}

export async function gatherFacts(
  keys: Iterable<FactKey>,
  collectors: ReadonlyMap<string, Collector>,
  target: AuditTarget,
  env: AuditEnv,
  options: AuditOptions,
): Promise<FactSlots> {
  const slots: FactSlots = {};
  const running = new Map<FactKey, Promise<FactSlot<unknown>>>();

  const start = (key: FactKey, path: FactKey[]): Promise<FactSlot<unknown>> => {
    const existing = running.get(key);
    if (existing) return existing;
    const collector = collectors.get(key);
    const began = env.clock.monotonicMs();
    const context: CollectContext = {
      target, env, options,
      need: async <K extends FactKey>(dependency: K): Promise<FactMap[K]> => {
        if (path.includes(dependency)) throw new Error(`collector cycle: ${[...path, dependency].join(' -> ')}`);
        const slot = await start(dependency, [...path, dependency]);
        if (!slot.ok) throw new FactUnavailableError(dependency, slot.error);
        return slot.value as FactMap[K];
      },
    };
    const promise: Promise<FactSlot<unknown>> = (async () => {
      if (!collector) return { ok: false as const, ms: 0, error: `no collector for "${key}"` };
      try {
        const value = await collector.collect(context);
        return { ok: true as const, ms: Math.round(env.clock.monotonicMs() - began), value };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false as const, ms: Math.round(env.clock.monotonicMs() - began), error: message };
      }
    })();
    running.set(key, promise);
    // after the deadline the slots are final: a collector that finishes later changes nothing
    promise.then((slot) => { if (!closed) (slots as Record<string, unknown>)[key] = slot; });
    return promise;
  };

  let closed = false;
  const began = env.clock.monotonicMs();
  if (env.deadline?.aborted) {
    // the run's time was up before this target's turn came: nothing is started
    for (const key of new Set(keys)) (slots as Record<string, unknown>)[key] = { ok: false, ms: 0, error: DEADLINE_REACHED };
    return slots;
  }
  const everything = (async () => {
    await Promise.all([...new Set(keys)].map((key) => start(key, [key])));
    // dependencies started on demand have settled too: every `need` was awaited by its dependant
    await Promise.all(running.values());
  })();
  const deadline = env.deadline;
  if (!deadline) {
    await everything;
    return slots;
  }
  await new Promise<void>((resolve) => {
    if (deadline.aborted) return resolve();
    const onAbort = () => resolve();
    deadline.addEventListener('abort', onAbort, { once: true });
    everything.then(() => { deadline.removeEventListener('abort', onAbort); resolve(); });
  });
  // let slots that settled in the same turn as the deadline land before closing
  await Promise.resolve();
  closed = true;
  const ms = Math.round(env.clock.monotonicMs() - began);
  for (const key of new Set([...keys, ...running.keys()])) {
    if (!(key in slots)) (slots as Record<string, unknown>)[key] = { ok: false, ms, error: DEADLINE_REACHED };
  }
  return slots;
}
