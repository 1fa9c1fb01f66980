// `smtp-audit checks`: every check with its id, area, what it asserts and the RFC that decides it.
import { Command } from 'commander';
import Table from 'cli-table3';
import { ALL_CHECKS } from '../../checks/index.ts';
import { colorWanted } from '../io.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

export function listChecks() {
  return ALL_CHECKS.map((c) => ({
    id: c.id, area: c.area, title: c.title, failureTitle: c.failureTitle, description: c.description, reference: c.reference,
  }));
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
        const color = colorWanted(io.stdout, flags.color);
        const width = Math.max(100, io.stdout.columns ?? 120);
        const table = new Table({
          head: ['id', 'area', 'asserts', 'reference'],
          colWidths: [26, 9, Math.max(30, width - 26 - 9 - 36 - 5), 36],
          wordWrap: true,
          style: color ? { head: ['cyan'], border: ['gray'] } : { head: [], border: [] },
        });
        for (const c of checks) table.push([c.id, c.area, c.title, c.reference]);
        io.stdout.write(`${table.toString()}\n${checks.length} checks. Details: smtp-audit checks --format json\n`);
      } else {
        throw new UsageError(`checks --format must be table or json, not "${flags.format}"`);
      }
      setExit(0);
    });
}
