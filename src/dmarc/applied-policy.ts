// Which DMARC disposition applies to the audited domain, from the gathered facts. Pure: the
// dmarc checks and the BIMI check read it. Decided by RFC 9989 section 4.10.1 (p for the
// domain's own record; sp for an existing subdomain and np for a non-existent one when the
// record is inherited) and section 4.7 (np falls back to sp, then p; t=y applies the policy one
// level lower), with the fallback of section 4.10.1 / RFC 7489 6.6.3 step 7 for records whose
// p, sp or np is invalid.
import type { DmarcFacts } from '../collect/dmarc.ts';
import { DMARC_DEFAULTS, parseDmarc, type DmarcPolicy, type DmarcRecord } from '../parse/dmarc-record.ts';
import type { PolicySource } from './tree-walk.ts';

export interface AppliedPolicy {
  /** where the record was found */
  domain: string;
  source: PolicySource;
  inherited: boolean;
  raw: string;
  record: DmarcRecord;
  /** the tag whose value decides */
  tag: 'p' | 'sp' | 'np';
  /** the disposition receivers apply to failing mail; null when they apply no DMARC at all */
  policy: DmarcPolicy | null;
  /** why the policy is not simply the tag's value */
  fallback: 'invalid-policy-read-as-none' | 'invalid-policy-not-applied' | null;
  pct: number;
  testMode: boolean;
}

const LEVEL: Record<DmarcPolicy, number> = { none: 0, quarantine: 1, reject: 2 };

export function isEnforcing(policy: DmarcPolicy | null): boolean {
  return policy !== null && LEVEL[policy] >= LEVEL.quarantine;
}

export function stronger(a: DmarcPolicy, b: DmarcPolicy): boolean {
  return LEVEL[a] > LEVEL[b];
}

export function appliedPolicy(facts: DmarcFacts): AppliedPolicy | null {
  const applied = facts.applied;
  if (!applied) return null;
  const record = parseDmarc(applied.record);
  const inherited = applied.source !== 'domain';
  let tag: AppliedPolicy['tag'] = 'p';
  let policy: DmarcPolicy | null = record.p;
  if (inherited) {
    if (facts.domainExists === false) {
      tag = record.np !== null ? 'np' : record.sp !== null ? 'sp' : 'p';
    } else {
      tag = record.sp !== null ? 'sp' : 'p';
    }
    policy = record[tag];
  }
  let fallback: AppliedPolicy['fallback'] = null;
  if (record.issues.some((i) => i.code === 'dmarc-policy-fallback-none')) {
    fallback = 'invalid-policy-read-as-none';
    policy = 'none';
  } else if (record.issues.some((i) => i.code === 'dmarc-policy-not-applied')) {
    fallback = 'invalid-policy-not-applied';
    policy = null;
  }
  return {
    domain: applied.domain,
    source: applied.source,
    inherited,
    raw: applied.record,
    record,
    tag,
    policy,
    fallback,
    pct: record.pct ?? DMARC_DEFAULTS.pct,
    testMode: record.t === 'y',
  };
}

/** "_dmarc.example.com (inherited from the organizational domain, sp=quarantine)" style wording. */
export function describeSource(applied: AppliedPolicy): string {
  const where = `_dmarc.${applied.domain}`;
  if (!applied.inherited) return where;
  const kind = applied.source === 'public-suffix-domain' ? 'public suffix domain' : 'organizational domain';
  return `${where} (inherited from the ${kind})`;
}
