// spf/deprecated-ptr: the policy does not use the ptr mechanism or the %{p} macro. RFC 7208
// 5.5: "This mechanism SHOULD NOT be published": it is slow, puts load on the .arpa name
// servers, and depends on the sender's reverse DNS, so large receivers may skip it and mail it
// was meant to authorize fails. RFC 7208 7.3 marks %{p} "do not use" for the same reasons.
// Every record of the tree is looked at; a ptr after "all" is still reported, as never evaluated.
import { defineCheck } from '../../core/check.ts';
import { spfNodes } from '../../spf/inspect-tree.ts';
import { hasOneRecord } from './record-gate.ts';
import { caretLines } from './syntax.ts';

export default defineCheck({
  id: 'spf/deprecated-ptr',
  area: 'spf',
  titles: {
    pass: 'The SPF policy does not use ptr',
    warn: 'The SPF policy uses the deprecated ptr mechanism',
    error: 'Could not tell whether the SPF policy uses ptr',
  },
  description:
    'Looks for the ptr mechanism and the %{p} macro in the record and every record it includes. ' +
    'warn: one is used (RFC 7208 section 5.5 says ptr SHOULD NOT be published; section 7.3 says not to use %{p}). ' +
    'skipped: no single SPF record.',
  reference: 'RFC 7208 section 5.5',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (!hasOneRecord(ctx, spf)) return;
    let records = 0;
    let found = 0;
    for (const node of spfNodes(spf.tree.root)) {
      if (node.parsed === null) continue;
      records += 1;
      const own = node.via === 'root';
      const ptrs = node.parsed.terms.filter((t) => t.kind === 'mechanism' && t.mechanism === 'ptr');
      const pMacros = node.parsed.terms.filter((t) => t.kind !== 'invalid' && t.macroLetters.includes('p'));
      const terms = [...new Set([...ptrs, ...pMacros])].sort((a, b) => a.position - b.position);
      if (terms.length === 0) continue;
      found += 1;
      const describe = terms.map((t) => `"${t.raw}" at position ${t.position}${node.terms[t.index]?.reached ? '' : ' (never evaluated)'}`);
      const what = ptrs.length > 0 && pMacros.length > 0 ? 'the ptr mechanism and the %{p} macro' : ptrs.length > 0 ? 'the ptr mechanism' : 'the %{p} macro';
      ctx.add('warn', ptrs.length > 0 ? 'ptr' : 'p-macro', {
        subject: node.domain,
        message: `The SPF record of ${node.domain}${own ? '' : ` (included by ${spf.domain}'s policy)`} uses ${what} (${describe.join(', ')}); RFC 7208 says not to: it is slow, loads the reverse-DNS servers and depends on the sender's PTR records, so receivers may skip it and mail it should authorize can fail.`,
        remediation: own
          ? 'Replace it with the ip4/ip6 ranges (or a/mx terms) of the hosts it was meant to match.'
          : `The record belongs to whoever runs ${node.domain}; ask them to drop ptr, or list the ranges you need in your own record.`,
        evidence: caretLines(node.parsed.record, terms.map((t) => t.position)),
      });
    }
    if (found === 0) ctx.note(`No ptr mechanism or %{p} macro in ${records} record${records === 1 ? '' : 's'}.`);
  },
});
