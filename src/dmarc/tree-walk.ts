// The DMARC DNS Tree Walk of RFC 9989 section 4.10, split into its two pure halves: which names
// to query (section 4.10 steps 3, 4 and 7), and what the answers mean (section 4.10 steps 2 and
// 6, section 4.10.1 policy discovery, section 4.10.2 Organizational Domain selection). The
// collector asks the questions; this module never touches DNS.
import { isDmarcRecord, parseDmarc } from '../parse/dmarc-record.ts';

/** RFC 9989 4.10: "Author Domains with more than eight labels do not result in more than eight DNS queries." */
export const TREE_WALK_MAX_QUERIES = 8;

/**
 * The names whose `_dmarc` TXT records the walk reads, starting point first. RFC 9989 4.10:
 * step 4, a name of x >= 8 labels is shortened to its last 7 labels in one move, otherwise one
 * label is removed; step 7, one label at a time after that, down to the top-level domain.
 */
export function treeWalkNames(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter((l) => l !== '');
  if (labels.length === 0) return [];
  const names = [labels.join('.')];
  let remaining = labels.length >= TREE_WALK_MAX_QUERIES ? TREE_WALK_MAX_QUERIES - 1 : labels.length - 1;
  while (remaining >= 1) {
    names.push(labels.slice(labels.length - remaining).join('.'));
    remaining--;
  }
  return names;
}

/** The TXT strings of one `_dmarc.<domain>` answer, already joined per record. */
export interface TreeWalkStep {
  domain: string;
  /** every TXT record at `_dmarc.<domain>`, strings of one record concatenated */
  txt: string[];
  /** the lookup could not be completed (timeout, SERVFAIL) */
  failed?: boolean;
}

export type OrgDomainRule = 'psd-n' | 'psd-y' | 'fewest-labels' | 'walk-start';
export type PolicySource = 'domain' | 'organizational-domain' | 'public-suffix-domain';

export interface TreeWalkResult {
  /** per step: the records that start with v=DMARC1 (RFC 9989 4.10 steps 2 and 6 discard the rest) */
  dmarcRecords: string[][];
  /** index of the step where a single record with a psd tag stopped the walk, or null */
  stoppedAt: number | null;
  /** the walk's Organizational Domain and the rule of RFC 9989 4.10.2 that chose it */
  orgDomain: string;
  orgDomainRule: OrgDomainRule;
  /** the record that applies (RFC 9989 4.10.1), or null when none does */
  applied: { domain: string; source: PolicySource; record: string } | null;
  /** some step the result depends on could not be looked up, so the result may be wrong */
  incomplete: boolean;
}

function psdOf(record: string): 'y' | 'n' | 'u' | null {
  return parseDmarc(record).psd;
}

/**
 * Interpret the answers of a walk over `treeWalkNames(domain)`. Steps after the one where the
 * walk stops are ignored; a step with several DMARC records counts as having none (RFC 9989
 * 4.10 steps 2 and 6; RFC 7489 6.6.3 instead ends discovery there, which the checks report).
 */
export function interpretTreeWalk(steps: readonly TreeWalkStep[]): TreeWalkResult {
  const dmarcRecords = steps.map((step) => step.txt.filter(isDmarcRecord));
  const single = (i: number): string | null => (dmarcRecords[i]!.length === 1 ? dmarcRecords[i]![0]! : null);

  let stoppedAt: number | null = null;
  for (let i = 0; i < steps.length; i++) {
    const record = single(i);
    if (record === null) continue;
    const psd = psdOf(record);
    if (psd === 'y' || psd === 'n') {
      stoppedAt = i;
      break;
    }
  }
  const last = stoppedAt ?? steps.length - 1;
  const considered = steps.slice(0, last + 1);
  const incomplete = considered.some((step) => step.failed === true);
  const start = steps[0]?.domain ?? '';

  // RFC 9989 4.10.2: from the longest name to the shortest, psd=n names the Organizational
  // Domain; psd=y (other than at the start) makes it the name one label below; otherwise the
  // record at the name with the fewest labels; with no record at all, the starting domain.
  let orgDomain = start;
  let orgDomainRule: OrgDomainRule = 'walk-start';
  let fewest: string | null = null;
  for (let i = 0; i <= last && i < steps.length; i++) {
    const record = single(i);
    if (record === null) continue;
    const psd = psdOf(record);
    if (psd === 'n') {
      orgDomain = steps[i]!.domain;
      orgDomainRule = 'psd-n';
      fewest = null;
      break;
    }
    if (psd === 'y' && i > 0) {
      const labels = start.split('.');
      const psdLabels = steps[i]!.domain.split('.').length;
      orgDomain = labels.slice(labels.length - psdLabels - 1).join('.');
      orgDomainRule = 'psd-y';
      fewest = null;
      break;
    }
    fewest = steps[i]!.domain;
  }
  if (fewest !== null) {
    orgDomain = fewest;
    orgDomainRule = 'fewest-labels';
  }

  // RFC 9989 4.10.1: the record at the Author Domain, else at its Organizational Domain, else
  // at its Public Suffix Domain (a record with psd=y).
  let applied: TreeWalkResult['applied'] = null;
  const own = steps.length > 0 ? single(0) : null;
  if (own !== null) {
    applied = { domain: start, source: 'domain', record: own };
  } else {
    const orgIndex = considered.findIndex((step) => step.domain === orgDomain);
    const orgRecord = orgIndex > 0 ? single(orgIndex) : null;
    if (orgRecord !== null) {
      applied = { domain: orgDomain, source: 'organizational-domain', record: orgRecord };
    } else if (stoppedAt !== null && stoppedAt > 0 && psdOf(single(stoppedAt)!) === 'y') {
      applied = { domain: steps[stoppedAt]!.domain, source: 'public-suffix-domain', record: single(stoppedAt)! };
    }
  }
  return { dmarcRecords, stoppedAt, orgDomain, orgDomainRule, applied, incomplete };
}

/**
 * A TXT record at `_dmarc.<domain>` that was meant as DMARC but is not one (wrong case, a
 * leading tag before v=, a typo), which receivers silently discard (RFC 7489 6.6.3 step 5).
 */
export function looksLikeDmarc(txt: string): boolean {
  return !isDmarcRecord(txt) && /dmarc/i.test(txt);
}
