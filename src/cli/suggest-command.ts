// "Did you mean": a first word that is not a command and cannot be a domain (no dot, no @,
// no URL) but is a typo away from a command gets a one-line hint instead of being audited as
// a domain name (which would fail with "not a fully qualified domain name").

/** Levenshtein distance, with adjacent transpositions counted as one edit (Damerau). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The usage message for a mistyped command, or null when `word` is not one. */
export function suggestCommand(word: string | undefined, commands: readonly string[]): string | null {
  if (word === undefined || word.startsWith('-') || /[.@:/\[\]]/.test(word) || commands.includes(word)) return null;
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | null = null;
  for (const name of commands) {
    const distance = editDistance(lower, name);
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  if (!best) return null;
  return `unknown command "${word}" (did you mean "${best.name}"?); to audit a domain, give its full name, such as example.com`;
}
