// spf/present: the domain publishes an SPF record. RFC 7208 4.5: the record is the TXT record
// at the domain that begins with "v=spf1" followed by a space or its end; with none, check_host()
// returns "none" and receivers cannot tell mail from the domain's own servers from forgeries.
// TXT records that almost start with "v=spf1" (a leading space or quote, "v=spf1a", "spf1") do
// not count, which is the usual reason a record that "is there" is not seen; so does a record
// published only as the SPF RR type (99), which RFC 7208 3.1 retired in favour of TXT.
import { defineCheck } from '../../core/check.ts';
import { rootState } from '../../spf/inspect-tree.ts';

/** Text that was probably meant as an SPF record but is not one (RFC 7208 4.5). */
export function looksLikeSpf(txt: string): boolean {
  return /^\s*["']?\s*v\s*=\s*spf1/i.test(txt) || /^\s*spf1\b/i.test(txt);
}

/** The near miss rewritten to begin with "v=spf1 ": quotes and stray spaces around the version removed. */
export function correctedRecord(txt: string): string {
  let text = txt.trim();
  const quoted = /^["']/.exec(text)?.[0];
  if (quoted) text = text.slice(1).replace(new RegExp(`${quoted}$`), '');
  return text.replace(/^\s*(?:v\s*=\s*)?spf1\s*/i, 'v=spf1 ').trimEnd();
}

export default defineCheck({
  id: 'spf/present',
  area: 'spf',
  titles: {
    pass: 'The domain publishes an SPF record',
    fail: 'The domain publishes no SPF record',
    error: 'Could not look up the domain\'s SPF record',
  },
  description:
    'Looks up the TXT records of the domain and picks those that begin with "v=spf1". ' +
    'pass: at least one (exactly one is judged by spf/single-record). ' +
    'fail: none, because the domain does not exist, has no TXT records, or none of them is an SPF record (near misses, and a record published only as the retired SPF RR type, are pointed out). ' +
    'error: the TXT lookup failed (timeout, SERVFAIL).',
  reference: 'RFC 7208 section 4.5',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    const domain = spf.domain;
    const state = rootState(spf.tree);
    switch (state.kind) {
      case 'record': {
        const strings = spf.recordStrings[domain]?.[0] ?? [state.record];
        const bytes = Buffer.byteLength(state.record, 'utf8');
        ctx.note(`SPF record (${bytes} octets): ${state.record}`);
        if (strings.length > 1) {
          ctx.note(`Published as ${strings.length} character-strings, joined without a separator (RFC 7208 section 3.3): ${strings.map((s) => JSON.stringify(s)).join(' ')}`);
        }
        return;
      }
      case 'multiple':
        ctx.note(`${state.records.length} SPF records are published; spf/single-record judges that.`);
        return;
      case 'dns-error':
        ctx.undetermined(domain, state.message);
        return;
      case 'invalid-domain':
        ctx.add('fail', 'invalid-domain', { subject: domain, message: state.message, evidence: [] });
        return;
      case 'none': {
        const typeOnly = spf.spfTypeRecords?.values ?? [];
        if (typeOnly.length > 0) {
          ctx.add('fail', 'spf-type-only', {
            subject: domain,
            message: `${domain} publishes its SPF record only as the retired SPF (type 99) record type; receivers look only at TXT records (RFC 7208 section 3.1), so they get the SPF result "none".`,
            remediation: `Publish the same text as a TXT record at ${domain}: "${typeOnly[0]}".`,
            evidence: [...typeOnly.map((r) => `SPF ${JSON.stringify(r)}`), `TXT ${domain}: ${state.txtRecords.length === 0 ? (state.outcome === 'nxdomain' ? 'NXDOMAIN' : 'NODATA') : state.txtRecords.map((t) => JSON.stringify(t)).join(' ')}`],
          });
          return;
        }
        const nearMisses = state.txtRecords.filter(looksLikeSpf);
        const message = state.outcome === 'nxdomain'
          ? `${domain} does not exist (NXDOMAIN), so it has no SPF record and receivers get the SPF result "none".`
          : state.outcome === 'nodata'
            ? `${domain} has no TXT records, so no SPF record: receivers get the SPF result "none" and cannot tell your mail from forged mail.`
            : nearMisses.length > 0
              ? `None of the ${state.txtRecords.length} TXT records of ${domain} begins with "v=spf1" and a space; ${nearMisses.length === 1 ? 'one looks like' : `${nearMisses.length} look like`} an SPF record but receivers ignore ${nearMisses.length === 1 ? 'it' : 'them'}, so the SPF result is "none".`
              : `None of the ${state.txtRecords.length} TXT records of ${domain} is an SPF record (one beginning with "v=spf1"), so receivers get the SPF result "none".`;
        ctx.add('fail', 'no-record', {
          subject: domain,
          message,
          remediation: nearMisses.length > 0
            ? `Correct the record so that it begins exactly with "v=spf1 " (no leading space or quote, a space after it), e.g. "${correctedRecord(nearMisses[0]!)}".`
            : `Publish one TXT record at ${domain} listing the hosts that send its mail, e.g. "v=spf1 mx -all", or "v=spf1 -all" if the domain sends no mail.`,
          evidence: state.txtRecords.length === 0
            ? [`TXT ${domain}: ${state.outcome === 'nxdomain' ? 'NXDOMAIN' : 'NODATA'}`]
            : state.txtRecords.map((t) => `TXT ${JSON.stringify(t)}${looksLikeSpf(t) ? '  <- not an SPF record: it must begin with "v=spf1" and a space' : ''}`),
        });
        return;
      }
    }
  },
});
