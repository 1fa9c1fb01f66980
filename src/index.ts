// The programmatic API: `import { audit, createAuditEnv } from 'smtp-audit'`.
export { audit, summarize, type AuditRequest } from './core/audit.ts';
export { createAuditEnv, type EnvSettings } from './core/env.ts';
export { DEFAULT_OPTIONS, type AuditEnv, type AuditOptions } from './core/context.ts';
export { exitCodeFor, type FailOn } from './core/exit-code.ts';
export { parseTarget, TargetError, type AuditTarget } from './core/target.ts';
export type { CheckResult, Finding, Report, Severity, Status, Summary } from './core/report-types.ts';
export type { CheckDefinition, CheckContext } from './core/check.ts';
export type { FactMap, FactSlots, LookupFact } from './core/facts.ts';
export { ALL_CHECKS } from './checks/index.ts';
export { REPORTERS } from './report/index.ts';
export { StubResolver } from './net/dns/resolver.ts';
export type { DnsResolver, DnsAnswer, RRType } from './net/dns/types.ts';
export { NetDialer, type Dialer } from './net/dial.ts';
export { systemClock, fixedClock, type Clock } from './net/clock.ts';
export { finishReport, type FinishOptions } from './report/finish-report.ts';
export { scoreReport } from './report/score.ts';
export { diffReports } from './diff/diff-reports.ts';
