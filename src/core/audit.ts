// audit(): the programmatic API and the only path the CLI uses.
// target -> selected checks -> the facts they declare -> gathered (or replayed) facts ->
// judged results -> one Report. Nothing here exits the process or reads argv.
import { ALL_CHECKS } from '../checks/index.ts';
import { ALL_COLLECTORS } from '../collect/index.ts';
import { VERSION } from '../version.ts';
import { scoreReport } from '../report/score.ts';
import type { CheckDefinition } from './check.ts';
import type { Collector } from './collector.ts';
import { DEFAULT_OPTIONS, type AuditEnv, type AuditOptions } from './context.ts';
import type { FactKey, FactSlots } from './facts.ts';
import { gatherFacts } from './gather.ts';
import { STATUSES, type CheckResult, type Report, type Summary } from './report-types.ts';
import { errorResult, runCheck, skippedResult } from './run-checks.ts';
import { selectChecks } from './selection.ts';
import { parseTarget, targetName, type AuditTarget } from './target.ts';

export interface AuditRequest {
  env: AuditEnv;
  options?: Partial<AuditOptions>;
  /** check ids or areas to run (default: all) */
  only?: string[];
  /** check ids or areas to leave out */
  skip?: string[];
  /** replay saved facts instead of gathering (no network) */
  facts?: FactSlots;
  /** override the registries (tests, plugins) */
  checks?: readonly CheckDefinition[];
  collectors?: ReadonlyMap<string, Collector>;
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Summary;
  for (const check of checks) summary[check.status]++;
  return summary;
}

export async function audit(target: string | AuditTarget, request: AuditRequest): Promise<Report> {
  const auditTarget = typeof target === 'string' ? parseTarget(target) : target;
  const options: AuditOptions = { ...DEFAULT_OPTIONS, ...request.options };
  const checks = request.checks ?? ALL_CHECKS;
  const collectors = request.collectors ?? ALL_COLLECTORS;
  const { env } = request;
  const startedAt = env.clock.now();
  const began = env.clock.monotonicMs();

  const selection = selectChecks(checks, { only: request.only ?? [], skip: request.skip ?? [] });
  const selected = checks.filter((c) => selection.get(c.id) === null && c.targets.includes(auditTarget.kind));
  const needed = new Set<FactKey>(selected.flatMap((c) => c.facts));

  const slots: FactSlots = request.facts
    ? request.facts
    : await gatherFacts(needed, collectors, auditTarget, env, options);

  const now = env.clock.now();
  const results = checks.map((check) => {
    const reason = selection.get(check.id);
    if (reason) return skippedResult(check, reason);
    if (request.facts) {
      const missing = check.facts.find((key) => !(key in request.facts!));
      if (missing && check.targets.includes(auditTarget.kind)) {
        return errorResult(check, `the saved facts have no ${missing} data`);
      }
    }
    return runCheck(check, slots, auditTarget, options, now);
  });

  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'smtp-audit', version: VERSION },
    domain: targetName(auditTarget),
    target: { kind: auditTarget.kind, input: auditTarget.input, name: targetName(auditTarget) },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(env.clock.monotonicMs() - began),
    summary: summarize(results),
    checks: results,
    facts: slots as Record<string, unknown>,
  };
  return { ...report, score: scoreReport(report) };
}
