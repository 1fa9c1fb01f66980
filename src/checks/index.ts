// The check registry: one explicit list, grouped by area in report order. Each area keeps its
// own index file, so adding a check touches only its area.
import type { CheckDefinition } from '../core/check.ts';
import { mxChecks } from './mx/index.ts';
import { ptrChecks } from './ptr/index.ts';

export const ALL_CHECKS: readonly CheckDefinition[] = [
  ...mxChecks,
  ...ptrChecks,
];

const ids = new Set<string>();
for (const check of ALL_CHECKS) {
  if (ids.has(check.id)) throw new Error(`duplicate check id ${check.id}`);
  ids.add(check.id);
}

export function findCheck(id: string): CheckDefinition | undefined {
  return ALL_CHECKS.find((c) => c.id === id);
}
