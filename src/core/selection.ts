// --only / --skip: each takes check ids (`spf/syntax`) or areas (`spf`), comma-separated
// or repeated. An unknown id or area is a usage error, not a silent no-op.
import { AREAS, type CheckDefinition } from './check.ts';

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

export interface Selection { only: string[]; skip: string[] }

export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function matcher(checks: readonly CheckDefinition[], item: string): (c: CheckDefinition) => boolean {
  if ((AREAS as readonly string[]).includes(item)) return (c) => c.area === item;
  if (checks.some((c) => c.id === item)) return (c) => c.id === item;
  throw new SelectionError(`unknown check id or area "${item}" (see: smtp-audit checks)`);
}

/** Returns, for each check, null when selected or the reason it is not. */
export function selectChecks(checks: readonly CheckDefinition[], selection: Selection): Map<string, string | null> {
  const only = selection.only.map((i) => matcher(checks, i));
  const skip = selection.skip.map((i) => matcher(checks, i));
  const result = new Map<string, string | null>();
  for (const check of checks) {
    if (only.length > 0 && !only.some((m) => m(check))) result.set(check.id, 'not selected (--only)');
    else if (skip.some((m) => m(check))) result.set(check.id, 'skipped by --skip');
    else result.set(check.id, null);
  }
  return result;
}
