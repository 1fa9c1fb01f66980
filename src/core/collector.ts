// A collector gathers one fact with I/O through the environment's seams and returns plain
// data. It may await other facts with `need` (PTR needs the MX addresses); nothing else runs
// in sequence, so independent collectors overlap.
import type { AuditEnv, AuditOptions } from './context.ts';
import type { FactKey, FactMap } from './facts.ts';
import type { AuditTarget } from './target.ts';

export interface CollectContext {
  target: AuditTarget;
  env: AuditEnv;
  options: AuditOptions;
  /** the value of another fact; throws when that collector failed */
  need<K extends FactKey>(key: K): Promise<FactMap[K]>;
}

export interface Collector<K extends FactKey = FactKey> {
  key: K;
  collect(context: CollectContext): Promise<FactMap[K]>;
}

export function defineCollector<K extends FactKey>(collector: Collector<K>): Collector<K> {
  return collector;
}
