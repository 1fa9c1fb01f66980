// Saying each thing once per report. The same record or reason often reaches a reader several
// times: the DMARC record is the evidence of three DMARC checks and a note of a fourth, a
// blocklist's TXT reason is both in the finding's message and in its evidence, the DKIM
// selectors tried are both a note and the evidence of "no key found". The human reports show
// each the first time and leave out what repeats text already shown (or the finding's own
// message). JSON, SARIF and JUnit keep everything.

/** Text after a short label ("TXT x.example: ...", "answer 127.0.0.2 (...)"), where there is one. */
function valueParts(text: string): string[] {
  const parts: string[] = [];
  const colon = /^[^:\n]{1,80}?: (.+)$/s.exec(text);
  if (colon) parts.push(colon[1]!);
  const word = /^\S{1,12} (.+)$/s.exec(text);
  if (word) parts.push(word[1]!);
  // long enough to be a reason or a record, not a host name that recurs by nature
  return parts.filter((p) => p.length >= 28);
}

/** A list after its label, as words: "tried: a b c" and "Tried 3 selectors: a, b, c." are the same list. */
function listKey(text: string): string | null {
  const colon = /^[^:\n]{1,80}?: (.+)$/s.exec(text);
  if (!colon) return null;
  const words = colon[1]!.split(/[\s,]+/).map((w) => w.replace(/\.$/, '')).filter((w) => w !== '');
  return words.length >= 4 ? words.join(' ') : null;
}

export class ShownText {
  private readonly shown: string[] = [];
  private readonly exact = new Set<string>();
  private readonly lists = new Set<string>();

  /** Whether `text` repeats something already shown, or `context` (the finding's message). */
  repeats(text: string, context: readonly string[] = []): boolean {
    const t = text.trim();
    if (t === '' || this.exact.has(t)) return true;
    const key = listKey(t);
    if (key !== null && this.lists.has(key)) return true;
    const haystacks = [...context, ...this.shown];
    const contained = (needle: string): boolean => needle.length >= 16 && haystacks.some((h) => h.includes(needle));
    return contained(t) || valueParts(t).some(contained);
  }

  remember(text: string): void {
    const t = text.trim();
    this.exact.add(t);
    this.shown.push(t);
    const key = listKey(t);
    if (key !== null) this.lists.add(key);
  }

  /** Remembers and says true the first time; false (and nothing) when it repeats. */
  first(text: string, context: readonly string[] = []): boolean {
    if (this.repeats(text, context)) return false;
    this.remember(text);
    return true;
  }
}
