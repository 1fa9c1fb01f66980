// Gathering: start the collectors for the facts the selected checks declare; each one
// awaits only the facts it needs. Every slot ends ok or with the collector's error; one
// collector failing never stops the others.
import type { Collector, CollectContext } from './collector.ts';
import type { AuditEnv, AuditOptions } from './context.ts';
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
    promise.then((slot) => { (slots as Record<string, unknown>)[key] = slot; });
    return promise;
  };

  await Promise.all([...new Set(keys)].map((key) => start(key, [key])));
  // dependencies started on demand have settled too: every `need` was awaited by its dependant
  await Promise.all(running.values());
  return slots;
}
