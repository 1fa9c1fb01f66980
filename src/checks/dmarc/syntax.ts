// dmarc/syntax: the DMARC record that applies (and every record the domain publishes at
// `_dmarc.<domain>`, including TXT records that were meant as DMARC but are discarded) follows
// RFC 9989 4.7/4.8 (RFC 7489 6.3/6.4). The grading follows what receivers do with the record:
// fail only where they discard it or apply nothing: "v=DMARC1" not at the very start (4.7 "v",
// 4.10 step 2), a repeated tag (RFC 6376 3.2, whose tag-list DMARC uses), or no valid p (or an
// invalid sp/np) with no valid rua URI (4.10.1: no DMARC processing). Everything else still
// applies and is a warning naming the rule: unknown tags and junk entries are ignored (4.7,
// 4.8), invalid optional values fall back to their defaults (4.8), a missing or invalid p with
// a valid rua reads as p=none (4.10.1). The findings are the record parser's own
// (src/parse/dmarc-record.ts), with its severities.
import { defineCheck } from '../../core/check.ts';
import { looksLikeDmarc } from '../../dmarc/tree-walk.ts';
import { isDmarcRecord, parseDmarc } from '../../parse/dmarc-record.ts';

export default defineCheck({
  id: 'dmarc/syntax',
  area: 'dmarc',
  titles: {
    pass: 'The DMARC record is well-formed',
    fail: 'The DMARC record has syntax errors',
    warn: 'The DMARC record has unknown tags or invalid optional values',
    info: 'The DMARC record uses tags that RFC 9989 removed',
    error: 'Could not read the DMARC record',
  },
  description:
    'Parses the record that applies, every v=DMARC1 record at _dmarc.<domain>, and any TXT record there that mentions ' +
    'DMARC without starting with v=DMARC1. fail (receivers discard the record or apply nothing): v=DMARC1 is not at ' +
    'the very start (another tag or whitespace before it), a tag repeats, or p is missing or invalid (or sp/np invalid) ' +
    'and rua has no valid URI. warn (the record still applies): a missing or invalid p with a valid rua (read as p=none), ' +
    'unknown tags and junk entries (ignored), invalid optional values and reporting URIs (ignored or defaulted), ' +
    'non-mailto URIs. info: tags RFC 9989 removed (pct, rf, ri) and similar notes. skipped: no DMARC record was found.',
  reference: 'RFC 9989 sections 4.7, 4.8 and 4.10.1; RFC 7489 sections 6.3 and 6.4',
  targets: ['domain'],
  facts: ['dmarc'],
  run(ctx) {
    const dmarc = ctx.fact('dmarc');
    const own = dmarc.walk[0]!;
    const judged: Array<{ subject: string; text: string }> = [];
    const seen = new Set<string>();
    const add = (subject: string, text: string): void => {
      const key = `${subject}\n${text}`;
      if (seen.has(key)) return;
      seen.add(key);
      judged.push({ subject, text });
    };
    if (dmarc.applied) add(`_dmarc.${dmarc.applied.domain}`, dmarc.applied.record);
    for (const text of own.txt.values) {
      if (isDmarcRecord(text) || looksLikeDmarc(text)) add(own.name, text);
    }
    if (judged.length === 0) return ctx.skip('no DMARC record was found (see dmarc/present)');

    for (const { subject, text } of judged) {
      const record = parseDmarc(text);
      ctx.note(`${subject}: ${text}`);
      for (const issue of record.issues) {
        ctx.add(issue.severity, issue.code.replace(/^dmarc-/, ''), {
          subject,
          message: issue.message,
          remediation: issue.severity === 'info' ? null
            : record.isDmarc ? 'Correct the record; the grammar is in RFC 9989 section 4.8.' : 'Start the record with "v=DMARC1;" exactly (case-sensitive, nothing before it), followed by "p=".',
          evidence: [text],
        });
      }
    }
  },
});
