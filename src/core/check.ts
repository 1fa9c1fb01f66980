// A check is metadata plus a pure, synchronous function of the facts it declares.
// It never does I/O and never catches: the runner turns a throw into that check's `error`.
import type { AuditOptions } from './context.ts';
import type { FactKey, FactMap } from './facts.ts';
import type { Finding, Severity } from './report-types.ts';
import type { AuditTarget } from './target.ts';

export const AREAS = [
  'mx', 'ptr', 'smtp', 'tls', 'relay', 'dnsbl', 'spf', 'dmarc', 'dkim', 'mta-sts', 'tls-rpt', 'bimi', 'dane',
] as const;
export type Area = (typeof AREAS)[number];

export interface CheckDefinition {
  /** `<area>/<kebab-name>`, equal to its file path under src/checks */
  id: string;
  area: Area;
  /** the good state, present tense: "The domain publishes MX records" */
  title: string;
  /** the bad state: "The domain publishes no MX records" */
  failureTitle: string;
  /** what it asserts, why it matters, and how each status is reached */
  description: string;
  /** the RFC section that decides the verdict */
  reference: string;
  /** target kinds it applies to; others end `skipped` */
  targets: ReadonlyArray<'domain' | 'ip'>;
  /** the facts it reads; nothing else is visible to it */
  facts: readonly FactKey[];
  run(context: CheckContext): void;
}

export interface FindingInput {
  subject: string;
  message: string;
  remediation?: string | null;
  evidence?: string[];
}

/** What a check sees: its declared facts, the target, the options, and a result builder. */
export interface CheckContext {
  target: AuditTarget;
  options: AuditOptions;
  now: Date;
  fact<K extends FactKey>(key: K): FactMap[K];
  /** record a finding; `name` becomes the code `<check id>.<name>` */
  add(severity: Severity, name: string, finding: FindingInput): void;
  /** this subject could not be determined (timeout, SERVFAIL...): the check ends `error` unless something failed */
  undetermined(subject: string, reason: string): void;
  /** the check does not apply (null MX, no TLSA records...): ends `skipped` with this reason */
  skip(reason: string): void;
  /** a neutral observation shown with the result */
  note(text: string): void;
}

export interface CheckRecord {
  findings: Finding[];
  undetermined: Array<{ subject: string; reason: string }>;
  skipped: string | null;
  notes: string[];
}

export function defineCheck(definition: CheckDefinition): CheckDefinition {
  const [area, name] = definition.id.split('/');
  if (area !== definition.area || !name || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`check id ${definition.id} must be "${definition.area}/<kebab-name>"`);
  }
  return definition;
}
