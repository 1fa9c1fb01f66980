// Laying text out for a terminal: every line fits the width, breaks fall between words (a word
// is cut only when it alone is wider than the line, such as a long key or fingerprint), and
// wrapped lines keep a hanging indent so a reader sees where an item continues. Widths are
// display columns: ANSI colour codes count nothing, East Asian wide characters and emoji count
// two, combining marks and zero-width characters none. No dependency: --help uses it too, and
// must load nothing but the argument parser.

/** The width when the output is not a terminal (a pipe, a file, CI logs) and COLUMNS is unset. */
export const DEFAULT_WIDTH = 80;
/** Narrower terminals are laid out as this wide: below it, hanging indents leave no room. */
export const MIN_WIDTH = 40;

const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function isZeroWidth(cp: number): boolean {
  return (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff;
}

/** East Asian Wide and Fullwidth ranges (Unicode UAX #11), and the emoji blocks terminals draw two columns wide. */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** Columns the text takes on a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) {
    const cp = ch.codePointAt(0)!;
    if (isZeroWidth(cp)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

/**
 * Splits a word wider than `width` columns into pieces that fit, after a separator (":" of a
 * fingerprint, "/" of a URL, ",", ";", "=") when one falls in the piece's last third.
 */
function cut(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (piece !== '' && displayWidth(piece + ch) > width) {
      const chars = [...piece];
      let at = -1;
      for (let i = chars.length - 1; i >= Math.floor((chars.length * 2) / 3); i--) {
        if (/[:/,;=&?.-]/.test(chars[i]!)) { at = i + 1; break; }
      }
      if (at > 0 && at < chars.length) {
        pieces.push(chars.slice(0, at).join(''));
        piece = chars.slice(at).join('');
      } else {
        pieces.push(piece);
        piece = '';
      }
    }
    piece += ch;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

export interface WrapOptions {
  /** printed before the first line (may hold colour codes; its display width counts) */
  first?: string;
  /** printed before every following line; default: spaces as wide as `first` */
  rest?: string;
}

/**
 * One line of text wrapped to `width` columns, prefixes included. Spaces inside the text are
 * kept (evidence such as an SPF tree or a caret under a record relies on them), except at a
 * break; a line that starts with spaces keeps them as part of its hanging indent.
 */
export function wrapLine(text: string, width: number, options: WrapOptions = {}): string[] {
  const first = options.first ?? '';
  const lead = /^ */.exec(text)![0];
  const rest = (options.rest ?? ' '.repeat(displayWidth(first))) + lead;
  const body = text.slice(lead.length).replace(/\s+$/, '');
  const tokens = body.match(/ *[^ ]+/g) ?? [];
  const lines: string[] = [];
  let prefix = first + lead;
  let line = '';
  let lineWidth = 0;
  const room = (): number => Math.max(1, width - displayWidth(prefix));
  const flush = (): void => {
    lines.push((prefix + line).trimEnd());
    prefix = rest;
    line = '';
    lineWidth = 0;
  };
  for (const token of tokens) {
    const word = token.trimStart();
    const wordWidth = displayWidth(word);
    // widths add up: each token is measured once, so a long record wraps in linear time
    const candidate = line === '' ? wordWidth : lineWidth + (token.length - word.length) + wordWidth;
    if (candidate <= room()) {
      line = line === '' ? word : line + token;
      lineWidth = candidate;
      continue;
    }
    if (line !== '') flush();
    if (wordWidth <= room()) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    const pieces = cut(word, room());
    for (const piece of pieces.slice(0, -1)) {
      line = piece;
      flush();
    }
    line = pieces.at(-1) ?? '';
    lineWidth = displayWidth(line);
  }
  if (line !== '' || lines.length === 0) lines.push((prefix + line).trimEnd());
  return lines;
}

/**
 * Several lines (split on \n), each wrapped: the first starts with `first`, each following
 * one with `next` (default `rest`), and every wrapped continuation with `rest`.
 */
export function wrapText(text: string, width: number, options: WrapOptions & { next?: string } = {}): string[] {
  const rest = options.rest ?? ' '.repeat(displayWidth(options.first ?? ''));
  const next = options.next ?? rest;
  return text.split('\n').flatMap((line, i) => wrapLine(line, width, { first: i === 0 ? (options.first ?? '') : next, rest }));
}

export interface WidthSource { isTTY?: boolean; columns?: number }

/**
 * The width to lay out for: the terminal's when writing to one that reports a size, else the
 * COLUMNS environment variable when it is a number, else 80. Never below MIN_WIDTH.
 */
export function terminalWidth(stream: WidthSource | undefined, env: NodeJS.ProcessEnv = process.env): number {
  let width = DEFAULT_WIDTH;
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  if (stream?.isTTY === true && (stream.columns ?? 0) > 0) width = stream.columns!;
  else if (Number.isInteger(fromEnv) && fromEnv > 0) width = fromEnv;
  return Math.max(MIN_WIDTH, width);
}
