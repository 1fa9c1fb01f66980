// `smtp-audit diff <old.json> <new.json>`: compare two runs' JSON reports. Exit 1 when anything
// got worse (a check's status rose, a finding appeared or grew), 0 otherwise, 2 on bad input.
import { Command } from 'commander';
import { diffReports } from '../../diff/diff-reports.ts';
import { DiffInputError, readReports } from '../../diff/load-reports.ts';
import { DIFF_FORMATS, renderDiff, type DiffFormat } from '../../diff/render-diff.ts';
import { assertWritable, colorWanted, writeFileAtomic } from '../io.ts';
import type { RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

export function diffCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('diff')
    .argument('<old>', 'the earlier report (--format json or ndjson output)')
    .argument('<new>', 'the later report')
    .option('--format <format>', `output format: ${DIFF_FORMATS.join(', ')}`, 'table')
    .option('--output <file>', 'write the diff to a file instead of stdout')
    .option('--no-color', 'no ANSI colours')
    .addHelpText('after', `
Better and worse follow pass < info < warn < fail. A check moving to or from "error" or
"skipped" is listed as changed and does not count as worse; checks and domains on one side
only are listed as added or removed. Findings are matched by code and subject.

Examples:
  smtp-audit example.com --format json --output old.json
  smtp-audit example.com --format json --output new.json
  smtp-audit diff old.json new.json
  smtp-audit diff old.json new.json --format markdown >> "$GITHUB_STEP_SUMMARY"

Exit codes: 0 nothing got worse, 1 something got worse, 2 unreadable or invalid input.`)
    .action((oldFile: string, newFile: string, flags: { format: string; output?: string; color: boolean }) => {
      const format = flags.format.toLowerCase() as DiffFormat;
      if (!DIFF_FORMATS.includes(format)) throw new UsageError(`diff --format must be ${DIFF_FORMATS.join(', ')}, not "${flags.format}"`);
      if (flags.output) assertWritable(flags.output);
      let diff;
      try {
        diff = diffReports(readReports(oldFile), readReports(newFile), { old: oldFile, new: newFile });
      } catch (error) {
        if (error instanceof DiffInputError) throw new UsageError(error.message);
        throw error;
      }
      const text = renderDiff(diff, format, !flags.output && colorWanted(io.stdout, flags.color));
      if (flags.output) writeFileAtomic(flags.output, text);
      else io.stdout.write(text);
      setExit(diff.worse ? 1 : 0);
    });
}
