// Reading the record vectors of test/vectors/records/ (see the README there): JSON data written
// from the spec text, one file per record type.
import { readFileSync } from 'node:fs';
import type { ParseIssue } from '../../src/parse/tag-list.ts';

export interface VectorFile<E> {
  about: string;
  vectors: Array<{ name: string; rule: string; expect: E; rfc7489?: string; others?: string } & Record<string, unknown>>;
}

export function loadVectors<E>(type: string): VectorFile<E> {
  return JSON.parse(readFileSync(new URL(`../vectors/records/${type}.json`, import.meta.url), 'utf8')) as VectorFile<E>;
}

/** Issues as the vectors write them: "<severity> <code>", sorted, so the order of reporting does not matter. */
export function issueList(issues: readonly ParseIssue[]): string[] {
  return issues.map((i) => `${i.severity} ${i.code}`).sort();
}

export const sorted = (list: readonly string[]): string[] => [...list].sort();
