// `smtp-audit merge <files...>`: one report (or a summary) from the outputs of sharded runs
// (`--shard K/N --format ndjson`). Two passes, so memory does not grow with the reports:
// the first reads every file line by line, checks that each line is a report and that no
// target appears twice (overlapping shards, or a file given twice), and notes where each
// report is; the second reads the reports back one at a time, in the order of --input when
// it is given (the order of an unsharded run with --concurrency 1), else file by file, and
// feeds them to the same outputs as an audit (src/cli/report-outputs.ts).
// The exit code is the one an unsharded run would have had: 1, 3 or 0 by --fail-on, and at
// least 3 when --input names targets that no file has a report for (a shard missing or failed).
import { createWriteStream, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { exitCodeFor, FAIL_ON_VALUES, type FailOn } from '../../core/exit-code.ts';
import { targetName } from '../../core/target.ts';
import { REPORTERS } from '../../report/index.ts';
import { FormatSpecError, planOutputs, type OutputSpec } from '../../report/multi-format.ts';
import type { Reporter } from '../../report/reporter.ts';
import { sanitizeRemoteText } from '../../util/sanitize.ts';
import { collectTargets } from '../domains.ts';
import { colorWanted } from '../io.ts';
import { summaryReporter } from '../merge-summary.ts';
import { planOutput } from '../output-file.ts';
import { ReportReader, scanReports, type ReportPlace } from '../report-files.ts';
import { ReportOutputs } from '../report-outputs.ts';
import { worseExitCode, type RunExitCode, type RunIo } from '../run-audits.ts';
import { UsageError } from '../usage-error.ts';

interface MergeFlags {
  input?: string;
  format?: string[];
  output?: string;
  failOn: string;
  color: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** stdin cannot be read twice: it is copied to a temp file first. */
async function spoolStdin(): Promise<string> {
  const file = join(tmpdir(), `smtp-audit-merge.${process.pid}.${randomBytes(6).toString('hex')}.ndjson`);
  await pipeline(process.stdin, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  return file;
}

export async function runMerge(files: string[], flags: MergeFlags, io: RunIo): Promise<RunExitCode> {
  const failOn = flags.failOn.toLowerCase() as FailOn;
  if (!FAIL_ON_VALUES.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}, not "${flags.failOn}"`);
  const reporters = new Map<string, Reporter>([['summary', summaryReporter(failOn)], ...REPORTERS]);
  let outputs: OutputSpec[];
  try {
    outputs = planOutputs(flags.format && flags.format.length > 0 ? flags.format : ['summary'], flags.output ?? null, reporters);
  } catch (error) {
    if (error instanceof FormatSpecError) throw new UsageError(error.message);
    throw error;
  }
  for (const o of outputs) if (o.file !== null) planOutput(o.file, o.file === flags.output ? '--output' : `--format ${o.format}:`);
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('merge reads standard input (-) once');
  const order = flags.input ? collectTargets([], flags.input).map(targetName) : null;
  const position = order ? new Map(order.map((name, i) => [name, i])) : null;

  const spooled: string[] = [];
  try {
    const paths = await Promise.all(files.map(async (f) => {
      if (f !== '-') return f;
      const temp = await spoolStdin();
      spooled.push(temp);
      return temp;
    }));
    const shown = new Map(paths.map((p, i) => [p, files[i]!]));

    // pass 1: where each report is; duplicates and strangers refused before anything is written
    const seen = new Map<string, string>();
    const places: Array<ReportPlace | undefined> = order ? new Array(order.length) : [];
    for (const path of paths) {
      try {
        for await (const { domain, place } of scanReports(path)) {
          const other = seen.get(domain);
          if (other !== undefined) {
            throw new UsageError(`${sanitizeRemoteText(domain)} has a report in ${other} and in ${shown.get(path)}: the shards overlap, or a file was given twice`);
          }
          seen.set(domain, shown.get(path)!);
          if (position) {
            const at = position.get(domain);
            if (at === undefined) throw new UsageError(`${shown.get(path)} has a report for ${sanitizeRemoteText(domain)}, which is not in --input ${flags.input}`);
            places[at] = place;
          } else {
            places.push(place);
          }
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new UsageError(`cannot read ${shown.get(path)}: ${code}`);
        throw error;
      }
    }
    const missing = order ? order.filter((_, i) => places[i] === undefined) : [];

    // pass 2: one report at a time, into the outputs
    const stdoutOptions = { color: colorWanted(io.stdout, flags.color), verbose: flags.verbose === true };
    const fileOptions = { color: false, verbose: flags.verbose === true };
    const present = places.filter((p): p is ReportPlace => p !== undefined);
    const sink = new ReportOutputs({
      outputs, reporters, total: present.length, stdout: io.stdout,
      optionsFor: (o) => (o.file === null ? stdoutOptions : fileOptions),
    });
    const reader = new ReportReader();
    let exitCode: RunExitCode = 0;
    try {
      for (let i = 0; i < present.length; i++) {
        const report = reader.read(present[i]!);
        sink.add(report, i);
        exitCode = worseExitCode(exitCode, exitCodeFor([report], failOn));
        if (sink.failure) break;
        await sink.drained();
      }
    } catch (error) {
      await sink.abort();
      throw error;
    } finally {
      reader.close();
    }
    await sink.finish();
    if (missing.length > 0) {
      io.stderr.write(`smtp-audit: merge: ${missing.length} of the ${order!.length} targets in --input have no report (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}): a shard is missing or did not finish\n`);
      exitCode = worseExitCode(exitCode, 3);
    }
    return exitCode;
  } finally {
    for (const temp of spooled) { try { unlinkSync(temp); } catch { /* already gone */ } }
  }
}

export function mergeCommand(io: RunIo, setExit: (code: number) => void): Command {
  return new Command('merge')
    .argument('<files...>', 'reports of earlier runs: NDJSON (--format ndjson), or JSON (--format json); - reads standard input')
    .option('--input <file>', 'the target list the shards were cut from: reports in its order, and targets without a report are named')
    .option('--format <fmt[:file]>', 'summary (default), table, json, ndjson, markdown, junit, sarif; repeatable, fmt:file writes that format to a file', collect)
    .option('--output <file>', 'write the output to a file (written whole, or not at all)')
    .option('--fail-on <level>', 'exit 1 when a check ends at or above: fail, warn, info, never', 'fail')
    .option('--no-color', 'no ANSI colours')
    .option('--verbose', 'show all evidence and references')
    .addHelpText('after', `
Shards cut with --shard K/N never overlap, so merging them gives the reports of
one run over the whole list; merge refuses a target that appears twice.

Examples:
  smtp-audit --input list.txt --shard 1/2 --format ndjson --output s1.ndjson
  smtp-audit --input list.txt --shard 2/2 --format ndjson --output s2.ndjson
  smtp-audit merge s1.ndjson s2.ndjson --input list.txt
  smtp-audit merge s*.ndjson --format json:all.json --format markdown:all.md

Exit codes: as the audit: 0 clean, 1 a check at or above --fail-on, 2 unreadable
or invalid input, 3 incomplete (a check ended "error", or --input targets
without a report).`)
    .action(async (files: string[], flags: MergeFlags) => {
      setExit(await runMerge(files, flags, io));
    });
}
