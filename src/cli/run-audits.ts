// Running a batch of audits for the CLI (audit and demo share it): a pool of `concurrency`
// audits over one environment (so the DNS cache is shared), a spinner on stderr when it is a
// terminal, and every report handed to the run's outputs as soon as it is finished
// (src/cli/report-outputs.ts: json and ndjson stream out, the other formats keep a compact
// form until the end, --save-facts streams). Nothing else of a report is kept: the exit code
// is tallied as reports arrive, so memory does not grow with the number of targets.
// Each report is finished before anything sees it: --ignore applied, zone-file use marked, scored.
// When an audit fails with an internal error, no new audit starts, the running ones finish,
// their reports and the earlier ones are written, and then the error is thrown (one line, exit 2).
import { audit } from '../core/audit.ts';
import type { AuditEnv } from '../core/context.ts';
import { exitCodeFor } from '../core/exit-code.ts';
import type { Report } from '../core/report-types.ts';
import { targetName, type AuditTarget } from '../core/target.ts';
import { watchZoneAnswers } from '../net/dns/zone-overlay.ts';
import { finishReport } from '../report/finish-report.ts';
import { REPORTERS } from '../report/index.ts';
import { forEachPool } from '../util/pool.ts';
import { VERSION } from '../version.ts';
import type { AuditSettings } from './audit-options.ts';
import { colorWanted } from './io.ts';
import { boundHeapGrowth } from './heap.ts';
import { startProgress } from './progress.ts';
import { ReportOutputs } from './report-outputs.ts';
import { UsageError } from './usage-error.ts';

export interface RunIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export type RunExitCode = 0 | 1 | 3;

/** From this many targets on, a run is a bulk run and bounds the heap's growth (src/cli/heap.ts). */
export const BULK_TARGETS = 100;

/** The run's exit code from one more report's: 1 (something at or above --fail-on) beats 3 (incomplete) beats 0. */
export function worseExitCode(a: RunExitCode, b: RunExitCode): RunExitCode {
  if (a === 1 || b === 1) return 1;
  if (a === 3 || b === 3) return 3;
  return 0;
}

export async function runAudits(targets: AuditTarget[], settings: AuditSettings, env: AuditEnv, io: RunIo): Promise<{ exitCode: RunExitCode; audited: number }> {
  const stdoutOptions = { color: colorWanted(io.stdout, settings.color), verbose: settings.verbose };
  const fileOptions = { color: false, verbose: settings.verbose };
  const zoneFiles = settings.zones.map((z) => ({ file: z.file, origin: z.origin }));
  const replayed = new Map((settings.replay?.audits ?? []).map((a) => [a.target, a.facts]));
  for (const target of targets) {
    if (settings.replay && !replayed.has(targetName(target))) {
      throw new UsageError(`--facts has no saved facts for ${targetName(target)}`);
    }
  }

  if (targets.length >= BULK_TARGETS) boundHeapGrowth();
  const spinner = await startProgress(io.stderr, settings.verbose, `auditing ${targets.length === 1 ? targetName(targets[0]!) : `${targets.length} targets`}`);
  let outputs: ReportOutputs;
  try {
    outputs = new ReportOutputs({
      outputs: settings.outputs,
      reporters: REPORTERS,
      optionsFor: (o) => (o.file === null ? stdoutOptions : fileOptions),
      total: targets.length,
      stdout: io.stdout,
      saveFacts: settings.saveFacts
        ? { file: settings.saveFacts, header: { tool: { name: 'smtp-audit', version: VERSION }, savedAt: env.clock.now().toISOString() } }
        : null,
      progress: spinner,
    });
  } catch (error) {
    spinner.stop();
    throw error;
  }

  let exitCode: RunExitCode = 0;
  let finished = 0;
  let failure: unknown = null;
  try {
    await forEachPool(targets, settings.concurrency, async (target, index) => {
      const zoneNames = new Set<string>();
      const auditEnv = zoneFiles.length > 0 ? { ...env, resolver: watchZoneAnswers(env.resolver, zoneNames) } : env;
      let report: Report;
      try {
        const raw = await audit(target, {
          env: auditEnv,
          options: settings.options,
          only: settings.only,
          skip: settings.skip,
          facts: settings.replay ? replayed.get(targetName(target)) : undefined,
        });
        report = finishReport(raw, { ignore: settings.ignore, zoneFiles, zoneFileNames: zoneNames, replayed: settings.replay != null });
        outputs.add(report, index);
      } catch (error) {
        outputs.release();
        throw error;
      }
      exitCode = worseExitCode(exitCode, exitCodeFor([report], settings.failOn));
      finished++;
      spinner.text = `audited ${finished}/${targets.length} (${targetName(target)})`;
    }, { beforeEach: () => outputs.drained(), stopped: () => outputs.failure !== null });
  } catch (error) {
    failure = error;
  }
  spinner.stop();
  try {
    // after an internal error too: the reports that finished are written
    await outputs.finish();
  } catch (error) {
    failure ??= error;
  }
  if (failure) throw failure;
  return { exitCode, audited: finished };
}
