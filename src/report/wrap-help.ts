// Fitting help text to the terminal: commander wraps the option descriptions itself, but the
// prose each command adds with addHelpText (notes, exit codes) is written as authored. This
// reflows that prose to the help width, paragraph by paragraph, and leaves alone what has a
// layout of its own:
// - a paragraph whose lines all fit is printed as authored (commander's own output included);
// - a paragraph is a run of lines that start in column 0; one with a line over the width is
//   joined and wrapped again;
// - an indented line that fits is kept; an indented line over the width is wrapped with its
//   own indentation as the hanging indent, except a command example (a line starting with
//   `smtp-audit`, `$` or a VARIABLE=value assignment), which is kept whole so it can be copied:
//   examples are written to fit 80 columns instead (test/cli/ci-help-width.test.ts).
import { displayWidth, wrapLine } from './wrap-text.ts';

const EXAMPLE = /^\s+(?:smtp-audit\b|\$ |[A-Z_][A-Z0-9_]*=)/;

export function isExampleLine(line: string): boolean {
  return EXAMPLE.test(line);
}

export function wrapHelp(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length === 0) return;
    if (paragraph.every((l) => displayWidth(l) <= width)) out.push(...paragraph);
    else out.push(...wrapLine(paragraph.map((l) => l.trim()).join(' '), width));
    paragraph = [];
  };
  for (const line of lines) {
    const prose = line !== '' && !/^\s/.test(line);
    if (prose && /^[A-Z][\w ()-]*:$/.test(line)) {
      // a heading such as "Examples:" stands alone
      flush();
      out.push(line);
      continue;
    }
    if (prose) {
      paragraph.push(line);
      continue;
    }
    flush();
    if (displayWidth(line) <= width || isExampleLine(line)) out.push(line);
    else out.push(...wrapLine(line, width));
  }
  flush();
  return out.join('\n');
}
