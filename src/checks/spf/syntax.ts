// spf/syntax: every term of the SPF record, and of every record it includes or redirects to, is
// valid. RFC 7208 4.6 and the ABNF of section 12: one invalid term anywhere makes check_host()
// return permerror (a strict receiver validates the whole record before evaluating it), and an
// error in an included record is a permerror of the include (5.2). Each error is shown with its
// character position and a caret under the record. Because RFC 7208 3.3 joins a record's
// character-strings without a separator, a term glued across a string boundary is pointed out.
// Valid but ineffective terms are warned about: mechanisms after "all" are never evaluated (5.1),
// redirect beside "all" is ignored (6.1), and an a/mx/exists target that is not a usable DNS
// name never matches (4.3).
import { defineCheck, type CheckContext } from '../../core/check.ts';
import type { SpfFacts } from '../../collect/spf.ts';
import { describeArrival, rootState, spfNodes } from '../../spf/inspect-tree.ts';
import { parseSpf } from '../../spf/parse-spf.ts';
import type { ParsedSpf, SpfNode } from '../../spf/spf-types.ts';

/** The record with a caret line under every error position. */
export function caretLines(record: string, positions: number[]): string[] {
  const marks = Array.from({ length: Math.max(...positions, 0) + 1 }, () => ' ');
  for (const p of positions) marks[p] = '^';
  return [record, marks.join('').trimEnd()];
}

/** Offsets in the joined record where one character-string ends and the next begins (RFC 7208 3.3). */
export function stringBoundaries(strings: string[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const s of strings.slice(0, -1)) {
    offset += s.length;
    out.push(offset);
  }
  return out;
}

function reportErrors(ctx: CheckContext, subject: string, where: string, parsed: ParsedSpf, strings: string[] | null): void {
  const errors = parsed.errors;
  const glued: string[] = [];
  if (strings && strings.length > 1) {
    const boundaries = stringBoundaries(strings);
    for (const term of parsed.terms) {
      if (!errors.some((e) => e.termIndex === term.index)) continue;
      const cut = boundaries.findIndex((b) => b > term.position && b < term.position + term.raw.length);
      if (cut >= 0) {
        glued.push(`"${term.raw}" spans the end of string ${cut + 1} (${JSON.stringify(strings[cut])}) and the start of string ${cut + 2} (${JSON.stringify(strings[cut + 1])}): the strings are joined without a space (RFC 7208 section 3.3)`);
      }
    }
  }
  const first = errors[0]!;
  ctx.add('fail', 'invalid-term', {
    subject,
    message: `The SPF record of ${where} has ${errors.length === 1 ? 'a syntax error' : `${errors.length} syntax errors`}, so receivers return permerror: at position ${first.position}${first.term ? `, "${first.term}"` : ''}: ${first.message}`,
    remediation: glued.length > 0
      ? 'Put a space at the end of the character-string before the glued term (or at the start of the next one), or publish the record as one string.'
      : subject === ctx.fact('spf').domain
        ? 'Correct or remove each term shown; the ABNF is in RFC 7208 section 12.'
        : `The record belongs to whoever runs ${subject}; ask them to correct it, or stop including it.`,
    evidence: [
      ...caretLines(parsed.record, errors.map((e) => e.position)),
      ...errors.map((e) => `position ${e.position}${e.term ? ` "${e.term}"` : ''}: ${e.message}`),
      ...glued,
    ],
  });
}

function reportIneffective(ctx: CheckContext, node: SpfNode, where: string): void {
  const parsed = node.parsed!;
  if (parsed.all !== null) {
    const after = parsed.terms.filter((t) => t.kind === 'mechanism' && t.index > parsed.all!);
    if (after.length > 0) {
      ctx.add('warn', 'terms-after-all', {
        subject: node.domain,
        message: `In the SPF record of ${where}, ${after.length === 1 ? 'a mechanism follows' : `${after.length} mechanisms follow`} "${parsed.terms[parsed.all]!.raw}", which matches every sender, so ${after.length === 1 ? 'it is' : 'they are'} never evaluated.`,
        remediation: `Move ${after.map((t) => `"${t.raw}"`).join(', ')} before "${parsed.terms[parsed.all]!.raw}", or remove ${after.length === 1 ? 'it' : 'them'}; "all" belongs at the end.`,
        evidence: [...caretLines(parsed.record, after.map((t) => t.position)), 'RFC 7208 section 5.1: mechanisms after "all" will never be tested'],
      });
    }
    if (parsed.redirect !== null) {
      const redirect = parsed.terms[parsed.redirect]!;
      ctx.add('warn', 'redirect-ignored', {
        subject: node.domain,
        message: `In the SPF record of ${where}, "${redirect.raw}" is ignored because the record has an "all" mechanism (RFC 7208 section 6.1).`,
        remediation: `Remove "${redirect.raw}", or remove "${parsed.terms[parsed.all]!.raw}" if the redirect target's policy should apply.`,
        evidence: caretLines(parsed.record, [redirect.position]),
      });
    }
  }
  for (const term of node.terms) {
    if (!term.reached || term.targetStatus !== 'invalid-name' || term.name === 'include' || term.name === 'redirect') continue;
    ctx.add('warn', 'invalid-target-name', {
      subject: node.domain,
      message: `In the SPF record of ${where}, "${term.raw}" names a target that is not a usable DNS name, so it never matches: ${term.notExpandable ?? ''}`.trim(),
      remediation: `Correct the domain in "${term.raw}" or remove the term.`,
      evidence: caretLines(node.record ?? '', [term.position]),
    });
  }
}

function whereOf(node: SpfNode, facts: SpfFacts): string {
  return node.domain === facts.domain && node.via === 'root' ? node.domain : `${node.domain} (reached by ${describeArrival(node)})`;
}

export default defineCheck({
  id: 'spf/syntax',
  area: 'spf',
  titles: {
    pass: 'Every term of the SPF policy is valid',
    fail: 'The SPF policy has invalid terms',
    warn: 'The SPF policy has ineffective terms',
    error: 'Could not read every record of the SPF policy',
  },
  description:
    'Parses the record and every record reached through include and redirect against the RFC 7208 grammar, including macros and prefix lengths. ' +
    'fail: a term is invalid (receivers return permerror); each error is shown with its position, and a term glued across two TXT strings is pointed out. ' +
    'warn: mechanisms after "all", a redirect ignored beside "all", or an a/mx/exists target that is not a valid DNS name. ' +
    'skipped: no SPF record. error: the record, or an included one, could not be fetched.',
  reference: 'RFC 7208 sections 4.6 and 12',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    const state = rootState(spf.tree);
    if (state.kind === 'dns-error') return ctx.undetermined(spf.domain, state.message);
    if (state.kind === 'none' || state.kind === 'invalid-domain') return ctx.skip(`${spf.domain} publishes no SPF record (see spf/present)`);

    if (state.kind === 'multiple') {
      // Receivers stop at the duplicate (spf/single-record); each record is still checked, since one of them will remain.
      for (const [i, record] of state.records.entries()) {
        const parsed = parseSpf(record);
        if (parsed.errors.length > 0) reportErrors(ctx, spf.domain, `${spf.domain} (record ${i + 1} of ${state.records.length})`, parsed, spf.recordStrings[spf.domain]?.[i] ?? null);
      }
      ctx.note(`${state.records.length} SPF records checked one by one; none of their includes is fetched, because evaluation stops at the duplicate.`);
      return;
    }

    const checked: string[] = [];
    for (const node of spfNodes(spf.tree.root)) {
      const where = whereOf(node, spf);
      const dns = node.errors.find((e) => e.kind === 'dns-error' && e.termIndex === null);
      if (dns) {
        ctx.undetermined(node.domain, `the record could not be fetched to check it: ${dns.message}`);
        continue;
      }
      if (node.parsed === null) continue;
      checked.push(node.domain);
      const strings = (spf.recordStrings[node.domain] ?? []).find((s) => s.join('') === node.record) ?? null;
      if (node.parsed.errors.length > 0) reportErrors(ctx, node.domain, where, node.parsed, strings);
      reportIneffective(ctx, node, where);
    }
    const distinct = [...new Set(checked)];
    ctx.note(`${checked.length} record${checked.length === 1 ? '' : 's'} parsed${distinct.length < checked.length ? ` (${distinct.length} distinct)` : ''}: ${distinct.join(', ')}.`);
    const unknown = [...spfNodes(spf.tree.root)].flatMap((n) => (n.parsed?.terms ?? []).filter((t) => t.kind === 'modifier' && !t.known).map((t) => `"${t.raw}" in ${n.domain}`));
    if (unknown.length > 0) ctx.note(`Unknown modifiers are ignored (RFC 7208 section 6): ${unknown.join(', ')}.`);
  },
});
