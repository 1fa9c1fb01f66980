// `smtp-audit checks`: every check with its id, area, what it asserts and the RFC that decides
// it. The table is a list laid out for the terminal's width (80 columns when it is not a
// terminal): per area, each id with what it asserts and its reference wrapped beside it, so no
// line is wider than the screen.
import { Command } from 'commander';
import { Chalk } from 'chalk';
import { ALL_CHECKS } from '../../checks/index.ts';
import { areaTitle } from '../../report/areas.ts';
import { displayWidth, terminalWidth, wrapText } from '../../report/wrap-text.ts';
import { colorWanted } from '../io.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

export function listChecks() {
  return ALL_CHECKS.map((c) => ({
    id: c.id, area: c.area,
    // `title` (what it asserts) and `failureTitle` are kept for scripts written against 0.1
    title: c.titles.pass, failureTitle: c.titles.fail ?? c.titles.warn ?? c.titles.info ?? c.titles.error,
    titles: c.titles,
    description: c.description, reference: c.reference,
  }));
}

/** The checks as a list: an area heading, then "id  asserts" with the reference under it. */
export function renderCheckList(checks: ReturnType<typeof listChecks>, width: number, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const idWidth = Math.min(Math.max(...checks.map((check) => displayWidth(check.id))), Math.floor(width / 3));
  const lines: string[] = [];
  for (const area of [...new Set(checks.map((check) => check.area))]) {
    if (lines.length > 0) lines.push('');
    lines.push(c.bold.underline(areaTitle(area)));
    for (const check of checks.filter((x) => x.area === area)) {
      const pad = ' '.repeat(2 + idWidth + 2);
      const id = displayWidth(check.id) <= idWidth ? check.id.padEnd(idWidth) : null;
      // an id wider than its column gets a line of its own
      if (id === null) lines.push(`  ${c.cyan(check.id)}`);
      const asserts = wrapText(check.title, width, { first: pad, rest: pad });
      asserts.forEach((line, i) => lines.push(i === 0 && id !== null ? `  ${c.cyan(id)}  ${line.slice(pad.length)}` : line));
      for (const line of wrapText(check.reference, width, { first: pad, rest: pad })) lines.push(`${pad}${c.gray(line.slice(pad.length))}`);
    }
  }
  lines.push('', ...wrapText(`${checks.length} checks. What each asserts and how each status is reached: smtp-audit checks --format json`, width));
  return `${lines.join('\n')}\n`;
}

export function checksCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('checks')
    .option('--format <format>', 'table or json', 'table')
    .option('--no-color', 'no ANSI colours')
    .addHelpText('after', `
Examples:
  smtp-audit checks
  smtp-audit checks --format json | jq -r '.[].id'`)
    .action((flags: { format: string; color: boolean }) => {
      const checks = listChecks();
      if (flags.format === 'json') {
        io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      } else if (flags.format === 'table') {
        io.stdout.write(renderCheckList(checks, terminalWidth(io.stdout), colorWanted(io.stdout, flags.color)));
      } else {
        throw new UsageError(`checks --format must be table or json, not "${flags.format}"`);
      }
      setExit(0);
    });
}
