// A check is metadata plus a pure, synchronous function of the facts it declares.
// It never does I/O and never catches: the runner turns a throw into that check's `error`.
import type { AuditOptions } from './context.ts';
import type { FactKey, FactMap } from './facts.ts';
import type { Finding, Severity, Status } from './report-types.ts';
import type { AuditTarget } from './target.ts';

export const AREAS = [
  'mx', 'ptr', 'smtp', 'tls', 'relay', 'dnsbl', 'spf', 'dmarc', 'dkim', 'mta-sts', 'tls-rpt', 'bimi', 'dane',
] as const;
export type Area = (typeof AREAS)[number];

/**
 * What a check says it found, one title per status it can end in, present tense. A reader
 * sees the title above the findings, so it must state what was found, not what was hoped:
 * a check that ends `info` must not keep its passing title ("The domain publishes an MTA-STS
 * record" above "publishes no MTA-STS record"). `pass` is also the check's assertion (shown
 * by `smtp-audit checks`); `error` is what could not be told. A title is required for each
 * severity the check adds (the type of `run`'s context enforces it for direct calls, and
 * test/report/titles.test.ts for the rest); `skipped` defaults to "Not checked: <pass>".
 */
export interface CheckTitles {
  /** the good state: "The domain publishes MX records" */
  pass: string;
  /** the check could not be determined: "Could not tell whether the domain publishes MX records" */
  error: string;
  /** a finding fails: "The domain has no usable MX records" */
  fail?: string;
  /** the worst finding warns: "The domain relies on an implicit MX or a malformed null MX" */
  warn?: string;
  /** the worst finding is information: "The domain accepts no mail (null MX)" */
  info?: string;
  /** not selected or not applicable (the reason is given beside it) */
  skipped?: string;
}

/** The severities a set of titles covers: the only ones `run` may add directly. */
export type TitledSeverity<T extends CheckTitles> = Extract<keyof T, Severity>;

export interface CheckDefinition<S extends Severity = Severity> {
  /** `<area>/<kebab-name>`, equal to its file path under src/checks */
  id: string;
  area: Area;
  /** one title per status it can end in (see CheckTitles) */
  titles: CheckTitles & Record<S, string>;
  /** what it asserts, why it matters, and how each status is reached */
  description: string;
  /** the RFC section that decides the verdict */
  reference: string;
  /** target kinds it applies to; others end `skipped` */
  targets: ReadonlyArray<'domain' | 'ip'>;
  /** the facts it reads; nothing else is visible to it */
  facts: readonly FactKey[];
  run(context: CheckContext<S>): void;
}

export interface FindingInput {
  subject: string;
  message: string;
  remediation?: string | null;
  evidence?: string[];
}

/**
 * What a check sees: its declared facts, the target, the options, and a result builder.
 * `S` narrows the severities `add` accepts to those the check has titles for.
 */
export interface CheckContext<S extends Severity = Severity> {
  target: AuditTarget;
  options: AuditOptions;
  now: Date;
  fact<K extends FactKey>(key: K): FactMap[K];
  /** record a finding; `name` becomes the code `<check id>.<name>` */
  add(severity: S, name: string, finding: FindingInput): void;
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

export function defineCheck<const T extends CheckTitles>(
  definition: Omit<CheckDefinition, 'titles' | 'run'> & { titles: T; run(context: CheckContext<TitledSeverity<T>>): void },
): CheckDefinition {
  const [area, name] = definition.id.split('/');
  if (area !== definition.area || !name || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`check id ${definition.id} must be "${definition.area}/<kebab-name>"`);
  }
  return definition as CheckDefinition;
}

const lowerFirst = (text: string): string => (/^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text);

/**
 * The title a check's result carries for a status. A severity without its own title borrows
 * the nearest bad one (fail <-> warn, then info), never the passing title; an `error` check
 * always says it could not tell, even beside findings it did make.
 */
export function titleFor(check: Pick<CheckDefinition, 'titles'>, status: Status): string {
  const t = check.titles;
  switch (status) {
    case 'pass': return t.pass;
    case 'error': return t.error;
    case 'skipped': return t.skipped ?? `Not checked: ${lowerFirst(t.pass)}`;
    case 'fail': return t.fail ?? t.warn ?? t.info ?? t.error;
    case 'warn': return t.warn ?? t.fail ?? t.info ?? t.error;
    case 'info': return t.info ?? t.warn ?? t.fail ?? t.error;
  }
}
