// The list of targets: command-line arguments plus --input (one a line, # comments),
// each validated; duplicates dropped, order kept.
import { readFileSync } from 'node:fs';
import { parseTarget, targetName, TargetError, type AuditTarget } from '../core/target.ts';
import { UsageError } from './usage-error.ts';

export function readInputFile(file: string): string[] {
  let text: string;
  try {
    // "-" is standard input, as for --output
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --input ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return text.split(/\r?\n/).map((line) => line.replace(/#.*$/, '').trim()).filter(Boolean);
}

export function collectTargets(args: string[], inputFile?: string): AuditTarget[] {
  const raw = [...args, ...(inputFile ? readInputFile(inputFile) : [])];
  const seen = new Set<string>();
  const targets: AuditTarget[] = [];
  for (const item of raw) {
    let target: AuditTarget;
    try {
      target = parseTarget(item);
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message);
      throw error;
    }
    const key = targetName(target);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(target);
  }
  return targets;
}
