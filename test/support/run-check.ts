// Running one check over hand-built facts, the way the engine does.
import type { CheckDefinition } from '../../src/core/check.ts';
import { DEFAULT_OPTIONS } from '../../src/core/context.ts';
import type { FactSlots } from '../../src/core/facts.ts';
import type { CheckResult } from '../../src/core/report-types.ts';
import { runCheck } from '../../src/core/run-checks.ts';
import { parseTarget } from '../../src/core/target.ts';

export function judge(check: CheckDefinition, facts: Record<string, unknown>, target = 'example.com', now = new Date('2026-11-23T10:00:00Z')): CheckResult {
  const slots = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, { ok: true, ms: 1, value: v }])) as FactSlots;
  return runCheck(check, slots, parseTarget(target), DEFAULT_OPTIONS, now);
}
