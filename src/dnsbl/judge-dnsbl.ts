// Judging blocklist answers, shared by dnsbl/ip and dnsbl/domain (pure: facts in, findings
// out). The rules:
//  - a `listed` answer from a list that passed its test points is a finding: `fail`, or
//    `warn` when the list carries little weight with receivers (weight below LISTING_FAIL_WEIGHT:
//    single-operator trap lists, policy and escalation lists, shut-down lists);
//  - a list that failed its test points, and any answer that is refused, rewritten (outside
//    127.0.0.0/8), undefined, or a failed lookup, is `undetermined` for that list with its
//    reason: the check ends `error` unless a listing fails it (the engine ranks fail above
//    error above warn, so a light-list warning beside an unusable list still ends `error`,
//    with the warning reported: the run is incomplete either way). Never a listing;
//  - notes: a count of the lists checked, clean, listing and unusable, then one line per list
//    that could not be checked and what to do about it (the table reporter prints each note on
//    its own line; listings are findings, one line each).
import type { CheckContext } from '../core/check.ts';
import { describeCodes, type DnsblAnswerFact, type DnsblListFacts, type DnsblSanityFact, type DnsblSubjectFact } from './dnsbl-facts.ts';
import { parseIpv4, type DnsblKind } from './dnsbl-list.ts';

/**
 * Lists of at least this weight fail the check when they list a subject; lighter lists warn.
 * docs/dnsbl.md gives the scale: Spamhaus 7-10, Barracuda/SpamCop/SURBL/URIBL 7-8, Mailspike
 * and UCEPROTECT level 1 around 5 (a real deliverability hit), single-operator trap lists
 * 3-5, attack/policy/escalation lists 2-3, shut-down lists 1. A zone named with --dnsbl
 * without curated data gets weight 5: the user asked for it, so a listing fails.
 */
export const LISTING_FAIL_WEIGHT = 5;

export function listingSeverity(weight: number): 'fail' | 'warn' {
  return weight >= LISTING_FAIL_WEIGHT ? 'fail' : 'warn';
}

const TXT_IN_MESSAGE = 200;

function label(list: DnsblListFacts): string {
  return list.name === list.zone ? list.zone : `${list.name} (${list.zone})`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

type Trouble = 'refused' | 'rewritten' | 'undefined-code' | 'lookup' | 'missing-listing' | 'lists-everything';

const outside127 = (code: string): boolean => parseIpv4(code)?.[0] !== 127;

/** What went wrong with a list's test points, in a few words, and its kind. */
function sanityTrouble(sanity: DnsblSanityFact): { trouble: Trouble; short: string } {
  const points = [sanity.listed, sanity.notListed];
  const refused = points.find((p) => p.verdict === 'refused');
  if (refused) return { trouble: 'refused', short: `it refuses this resolver (test point ${refused.point} answered ${describeCodes(refused.codes, refused.meanings)})` };
  const invalid = points.find((p) => p.verdict === 'invalid');
  if (invalid?.codes.some(outside127)) return { trouble: 'rewritten', short: `the resolver rewrites its answers (test point ${invalid.point} answered ${invalid.codes.join(', ')}, outside 127.0.0.0/8)` };
  if (invalid) return { trouble: 'undefined-code', short: `test point ${invalid.point} got an answer the list does not define (${invalid.codes.join(', ')})` };
  const failed = points.find((p) => p.verdict === 'error');
  if (failed) return { trouble: 'lookup', short: `its test points could not be looked up (${failed.lookup.error ?? failed.detail ?? 'error'})` };
  if (sanity.listed.verdict !== 'listed') return { trouble: 'missing-listing', short: `its always-listed test point ${sanity.listed.point} is not listed` };
  return { trouble: 'lists-everything', short: `it lists its never-listed test point ${sanity.notListed.point}` };
}

/** What went wrong with one answer, in a few words, and its kind. */
function answerTrouble(answer: DnsblAnswerFact): { trouble: Trouble; short: string } {
  if (answer.verdict === 'refused') return { trouble: 'refused', short: `refused (${describeCodes(answer.codes, answer.meanings)})` };
  if (answer.verdict === 'invalid' && answer.codes.some(outside127)) return { trouble: 'rewritten', short: `answer ${answer.codes.join(', ')} is outside 127.0.0.0/8 (rewritten by the resolver)` };
  if (answer.verdict === 'invalid') return { trouble: 'undefined-code', short: `answer ${answer.codes.join(', ')} is not a code the list defines` };
  return { trouble: 'lookup', short: `lookup failed (${(answer.error ?? 'error').replace(/^the lookup of \S+ failed: /, '')})` };
}

/** What to do when a list could not be used, chosen by what went wrong. */
function advice(list: DnsblListFacts, troubles: readonly Trouble[]): string {
  if (troubles.includes('refused')) {
    return list.refusesPublicResolvers
      ? `${list.name} refuses queries that arrive through public or shared resolvers: audit through your own recursive resolver (--resolver), or use the operator's subscription service.`
      : `Ask through a resolver ${list.name} serves: your own recursive resolver (--resolver), not a public one.`;
  }
  if (troubles.includes('rewritten')) return 'The resolver rewrites answers (NXDOMAIN redirection or filtering): audit with a resolver that passes DNSBL answers unchanged (--resolver).';
  if (troubles.includes('lists-everything')) return 'The resolver or the list answers every name: audit with another resolver (--resolver), or check the zone name.';
  if (troubles.includes('missing-listing')) return 'Check the zone name; if it is right, the list may have shut down or this resolver cannot reach it (try --resolver).';
  if (troubles.includes('undefined-code')) return 'The list answered with a code it does not document; look the address up on the list\'s own site.';
  return 'Try again later, or through another resolver (--resolver).';
}

function listingFinding(ctx: CheckContext, list: DnsblListFacts, answer: DnsblAnswerFact, subject: DnsblSubjectFact | undefined): void {
  const severity = listingSeverity(list.weight);
  const via = subject && subject.hosts.length > 0 ? ` (${subject.hosts.join(', ')})` : '';
  const reason = answer.txt.length > 0 ? `; the list says "${shorten(answer.txt.join(' | '), TXT_IN_MESSAGE)}"` : '';
  const light = severity === 'warn' ? `; receivers give this list little weight (${list.weight} of 10)` : '';
  const undocumented = list.unconfirmed.includes('codes') ? `; ${list.name} does not document what its answer codes mean` : '';
  const cause = list.kind === 'ip'
    ? `Find and stop what got ${answer.subject} listed (a compromised account or host, an open relay, or mail sent without consent)`
    : `Find out why ${answer.subject} is listed (links to it in spam, a compromised web site, an abused redirect) and fix it`;
  const removal = list.removal
    ? `then request removal at ${list.removal}`
    : `then ask the operator of ${list.zone} to remove it${list.info ? ` (${list.info})` : ''}`;
  const evidence = [`A ${answer.queryName}: ${answer.addresses.join(', ')}`, `answer ${describeCodes(answer.codes, answer.meanings)}`];
  for (const text of answer.txt) evidence.push(`TXT ${answer.queryName}: "${text}"`);
  if (answer.txtError) evidence.push(`TXT ${answer.queryName}: lookup failed (${answer.txtError})`);
  if (answer.detail) evidence.push(answer.detail);
  evidence.push(`list weight ${list.weight} of 10${list.info ? `; about the list: ${list.info}` : ''}`);
  ctx.add(severity, 'listed', {
    subject: answer.subject,
    message: `${answer.subject}${via} is listed on ${label(list)}: ${describeCodes(answer.codes, answer.meanings)}${reason}${light}${undocumented}.`,
    remediation: `${cause}, ${removal}.`,
    evidence,
  });
}

const UNDETERMINED_VERDICTS: ReadonlySet<DnsblAnswerFact['verdict']> = new Set(['error', 'refused', 'invalid']);

/**
 * Judges the `kind` lists of the dnsbl facts. The caller has already handled the cases where
 * there is nothing to look up.
 */
export function judgeLists(ctx: CheckContext, kind: DnsblKind, subjects: readonly DnsblSubjectFact[]): void {
  const facts = ctx.fact('dnsbl');
  const lists = facts.lists.filter((l) => l.kind === kind);
  const what = kind === 'ip' ? 'IP' : 'domain';
  if (lists.length === 0) {
    ctx.skip(`no ${what} blocklists were selected (--no-default-dnsbls without a --dnsbl zone${kind === 'ip' ? '' : ':domain'})`);
    return;
  }
  let clean = 0;
  let listing = 0;
  let unusable = 0;
  let inapplicable = 0;
  const problems: Array<{ line: string; advice: string }> = [];
  const narrowed = new Map<string, number>();
  for (const list of lists) {
    const answers = facts.answers.filter((a) => a.zone === list.zone && a.kind === kind);
    for (const a of answers) if (a.verdict === 'not-applicable') narrowed.set(a.subject, (narrowed.get(a.subject) ?? 0) + 1);
    if (list.sanity === null) {
      inapplicable++;
      continue;
    }
    if (!list.sanity.usable) {
      unusable++;
      const { trouble, short } = sanityTrouble(list.sanity);
      ctx.undetermined(list.zone, `unusable from this resolver: ${short}`);
      problems.push({ line: `Could not check ${label(list)}: ${list.sanity.reason ?? short}.`, advice: advice(list, [trouble]) });
      continue;
    }
    const listed = answers.filter((a) => a.verdict === 'listed');
    const failed = answers.filter((a) => UNDETERMINED_VERDICTS.has(a.verdict));
    for (const answer of listed) listingFinding(ctx, list, answer, subjects.find((s) => s.subject === answer.subject));
    if (failed.length > 0) {
      const troubles = failed.map(answerTrouble);
      ctx.undetermined(list.zone, failed.map((a, i) => `${a.subject}: ${troubles[i]!.short}`).join('; '));
      problems.push({
        line: `Could not check ${label(list)} for ${failed.map((a) => a.subject).join(', ')}: ${failed.map((a) => a.error ?? a.verdict).join('; ')}.`,
        advice: advice(list, troubles.map((t) => t.trouble)),
      });
    }
    if (listed.length > 0) listing++;
    else if (failed.length > 0) unusable++;
    else if (answers.some((a) => a.verdict === 'not-listed')) clean++;
    else inapplicable++;
  }
  if (inapplicable === lists.length) ctx.skip(`no selected ${what} blocklist can be asked about ${subjects.map((s) => s.subject).join(', ')} (the lists accept IPv4 queries only)`);
  const looked = subjects.filter((s) => s.notApplicable === null).map((s) => s.subject);
  const parts = [`${clean} clean`];
  if (listing > 0) parts.push(`${listing} listing`);
  if (unusable > 0) parts.push(`${unusable} could not be checked`);
  if (inapplicable > 0) parts.push(`${inapplicable} not applicable`);
  ctx.note(`Checked ${plural(lists.length, `${what} blocklist`)} for ${looked.join(', ')}: ${parts.join(', ')}.`);
  // one line per list that could not be checked, then each piece of advice once (a resolver
  // that reaches no list at all would otherwise repeat the same advice for every list)
  for (const problem of problems) ctx.note(problem.line);
  for (const text of new Set(problems.map((p) => p.advice))) ctx.note(text);
  for (const [subject, count] of narrowed) {
    const s = subjects.find((x) => x.subject === subject);
    if (s?.notApplicable) continue; // reported once below
    ctx.note(`${subject} was not looked up on ${plural(count, 'list')} that ${count === 1 ? 'accepts' : 'accept'} IPv4 queries only.`);
  }
  for (const s of subjects) if (s.notApplicable) ctx.note(`Not looked up: ${s.notApplicable}.`);
}
