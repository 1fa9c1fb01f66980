// Judging: run each check over its declared facts and turn what it recorded into a result.
// Status rules (docs/contract.md): the worst finding's severity, `pass` with none. A
// subject that could not be determined makes the check `error` (incomplete) unless a finding
// already fails: a failure is certain even when something else is unknown.
import { titleFor, type CheckContext, type CheckDefinition, type CheckRecord } from './check.ts';
import type { AuditOptions } from './context.ts';
import type { FactKey, FactSlots } from './facts.ts';
import type { CheckResult, Severity, Status } from './report-types.ts';
import type { AuditTarget } from './target.ts';
import { targetName } from './target.ts';

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warn: 2, fail: 3 };

export function statusOf(record: CheckRecord): Status {
  const worst = record.findings.reduce<Severity | null>(
    (acc, f) => (acc === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[acc] ? f.severity : acc), null);
  if (worst === 'fail') return 'fail';
  if (record.undetermined.length > 0) return 'error';
  if (worst) return worst;
  if (record.skipped !== null) return 'skipped';
  return 'pass';
}

export function skippedResult(check: CheckDefinition, reason: string): CheckResult {
  return {
    id: check.id, area: check.area, status: 'skipped', title: titleFor(check, 'skipped'), reference: check.reference,
    findings: [], error: null, skippedReason: reason,
  };
}

export function errorResult(check: CheckDefinition, reason: string): CheckResult {
  return {
    id: check.id, area: check.area, status: 'error', title: titleFor(check, 'error'), reference: check.reference,
    findings: [], error: reason,
  };
}

export function runCheck(check: CheckDefinition, slots: FactSlots, target: AuditTarget, options: AuditOptions, now: Date): CheckResult {
  if (!check.targets.includes(target.kind)) {
    return skippedResult(check, target.kind === 'ip' ? 'not applicable to an IP address target' : 'applies only to IP address targets');
  }
  for (const key of check.facts) {
    const slot = slots[key];
    if (!slot) return errorResult(check, `the ${key} facts were not gathered`);
    if (!slot.ok) return errorResult(check, `could not gather the ${key} facts: ${slot.error}`);
  }
  const record: CheckRecord = { findings: [], undetermined: [], skipped: null, notes: [] };
  const declared = new Set<string>(check.facts);
  const context: CheckContext = {
    target, options, now,
    fact(key) {
      if (!declared.has(key)) throw new Error(`check ${check.id} read the undeclared fact "${key}"`);
      const slot = slots[key as FactKey]!;
      if (!slot.ok) throw new Error(`fact ${key} unavailable`);
      return slot.value as never;
    },
    add(severity, name, finding) {
      record.findings.push({
        code: `${check.id}.${name}`,
        severity,
        subject: finding.subject,
        message: finding.message,
        remediation: finding.remediation ?? null,
        evidence: finding.evidence ?? [],
      });
    },
    undetermined(subject, reason) {
      record.undetermined.push({ subject, reason });
    },
    skip(reason) {
      record.skipped = reason;
    },
    note(text) {
      record.notes.push(text);
    },
  };
  try {
    check.run(context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return errorResult(check, `check failed unexpectedly: ${message}`);
  }
  const status = statusOf(record);
  const result: CheckResult = {
    id: check.id,
    area: check.area,
    status,
    // what was found: one title per status (src/core/check.ts CheckTitles)
    title: titleFor(check, status),
    reference: check.reference,
    findings: record.findings,
    error: record.undetermined.length > 0
      ? record.undetermined.map((u) => (u.subject && u.subject !== targetName(target) ? `${u.subject}: ${u.reason}` : u.reason)).join('; ')
      : null,
  };
  if (status === 'skipped' && record.skipped) result.skippedReason = record.skipped;
  if (record.notes.length > 0) result.notes = record.notes;
  return result;
}
