// Running a batch of audits for the CLI (audit and demo share it): a pool of `concurrency`
// audits over one environment (so the DNS cache is shared), a spinner on stderr when it is a
// terminal, ndjson streamed as each target finishes, everything else rendered at the end in
// input order, then --output / --save-facts written whole, then the exit code.
// Each report is finished before anything sees it: --ignore applied, zone-file use marked, scored.
import { audit } from '../core/audit.ts';
import type { AuditEnv } from '../core/context.ts';
import { exitCodeFor } from '../core/exit-code.ts';
import type { Report } from '../core/report-types.ts';
import { targetName, type AuditTarget } from '../core/target.ts';
import { watchZoneAnswers } from '../net/dns/zone-overlay.ts';
import { finishReport } from '../report/finish-report.ts';
import { REPORTERS } from '../report/index.ts';
import { renderOutputs } from '../report/multi-format.ts';
import { mapPool } from '../util/pool.ts';
import { VERSION } from '../version.ts';
import type { AuditSettings, SavedFacts } from './audit-options.ts';
import { colorWanted, writeFileAtomic } from './io.ts';
import { startProgress } from './progress.ts';
import { UsageError } from './usage-error.ts';

export interface RunIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function runAudits(targets: AuditTarget[], settings: AuditSettings, env: AuditEnv, io: RunIo): Promise<{ exitCode: 0 | 1 | 3; reports: Report[] }> {
  const stdoutOutput = settings.outputs.find((o) => o.file === null) ?? null;
  const streaming = stdoutOutput ? REPORTERS.get(stdoutOutput.format)!.renderOne : undefined;
  const stdoutOptions = { color: colorWanted(io.stdout, settings.color), verbose: settings.verbose };
  const fileOptions = { color: false, verbose: settings.verbose };
  const zoneFiles = settings.zones.map((z) => ({ file: z.file, origin: z.origin }));
  const replayed = new Map((settings.replay?.audits ?? []).map((a) => [a.target, a.facts]));
  for (const target of targets) {
    if (settings.replay && !replayed.has(targetName(target))) {
      throw new UsageError(`--facts has no saved facts for ${targetName(target)}`);
    }
  }

  const spinner = await startProgress(io.stderr, settings.verbose, `auditing ${targets.length === 1 ? targetName(targets[0]!) : `${targets.length} targets`}`);
  let finished = 0;
  const reports = await mapPool(targets, settings.concurrency, async (target) => {
    const zoneNames = new Set<string>();
    const auditEnv = zoneFiles.length > 0 ? { ...env, resolver: watchZoneAnswers(env.resolver, zoneNames) } : env;
    const raw = await audit(target, {
      env: auditEnv,
      options: settings.options,
      only: settings.only,
      skip: settings.skip,
      facts: settings.replay ? replayed.get(targetName(target)) : undefined,
    });
    const report = finishReport(raw, { ignore: settings.ignore, zoneFiles, zoneFileNames: zoneNames });
    finished++;
    spinner.text = `audited ${finished}/${targets.length} (${targetName(target)})`;
    if (streaming) {
      spinner.clear();
      io.stdout.write(streaming(report, stdoutOptions));
      spinner.render();
    }
    return report;
  });
  spinner.stop();

  const pending = settings.outputs.filter((o) => o.file !== null || !streaming);
  for (const output of renderOutputs(reports, pending, REPORTERS, (o) => (o.file === null ? stdoutOptions : fileOptions))) {
    if (output.file === null) io.stdout.write(output.text);
    else writeFileAtomic(output.file, output.text);
  }
  if (settings.saveFacts) {
    const saved: SavedFacts = {
      schemaVersion: 1,
      tool: { name: 'smtp-audit', version: VERSION },
      savedAt: env.clock.now().toISOString(),
      audits: reports.map((r) => ({ target: r.domain, facts: r.facts as SavedFacts['audits'][number]['facts'] })),
    };
    writeFileAtomic(settings.saveFacts, `${JSON.stringify(saved, null, 2)}\n`);
  }
  return { exitCode: exitCodeFor(reports, settings.failOn), reports };
}
