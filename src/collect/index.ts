// The collector registry: fact key -> collector.
import type { Collector } from '../core/collector.ts';
import { mxCollector } from './mx.ts';
import { ptrCollector } from './ptr.ts';

export const ALL_COLLECTORS: ReadonlyMap<string, Collector> = new Map<string, Collector>(
  ([mxCollector, ptrCollector] as Collector[]).map((c) => [c.key, c]),
);
