// spf/single-record: the domain publishes one SPF record, and it fits a classic DNS answer.
// RFC 7208 4.5: when more than one TXT record begins with "v=spf1", check_host() returns
// permerror before evaluating any of them, so every message fails SPF (a common result of
// adding a provider's record beside an existing one instead of merging them).
// RFC 7208 3.4: the TXT answer should fit in 512 octets, the DNS message size over UDP without
// EDNS; a larger answer is truncated and the receiver must retry over TCP, which some do not.
// The size is judged for every record in the include tree, because each one is fetched.
import { defineCheck } from '../../core/check.ts';
import { parseSpf } from '../../spf/parse-spf.ts';
import { rootState, spfNodes } from '../../spf/inspect-tree.ts';
import { DNS_UDP_LIMIT } from '../../spf/walk-spf.ts';

/** One record built from several: every distinct term except "all" and redirect, then the first "-all"/"~all" found (else the first all). */
export function mergedRecord(records: string[]): string | null {
  const terms: string[] = [];
  const alls: string[] = [];
  for (const record of records) {
    const parsed = parseSpf(record);
    if (!parsed.valid || parsed.redirect !== null) return null;
    for (const term of parsed.terms) {
      if (term.kind === 'mechanism' && term.mechanism === 'all') alls.push(term.raw);
      else if (!terms.some((t) => t.toLowerCase() === term.raw.toLowerCase())) terms.push(term.raw);
    }
  }
  const all = alls.find((a) => a === '-all' || a === '~all') ?? alls[0];
  return ['v=spf1', ...terms, ...(all ? [all] : [])].join(' ');
}

export default defineCheck({
  id: 'spf/single-record',
  area: 'spf',
  titles: {
    pass: 'The domain publishes exactly one SPF record, within the UDP size',
    fail: 'The domain publishes several SPF records',
    warn: 'An SPF answer is too large for UDP (over 512 octets)',
    error: 'Could not tell how many SPF records the domain publishes',
  },
  description:
    'Counts the TXT records beginning with "v=spf1" at the domain. ' +
    'fail: more than one, which makes every receiver return permerror (RFC 7208 section 4.5). ' +
    'warn: the TXT answer of the domain, or of a record it includes, is larger than 512 octets, so it is truncated over UDP without EDNS and needs TCP (RFC 7208 section 3.4). ' +
    'skipped: no SPF record (spf/present). error: the TXT lookup failed.',
  reference: 'RFC 7208 sections 4.5 and 3.4',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    const domain = spf.domain;
    const state = rootState(spf.tree);
    if (state.kind === 'dns-error') return ctx.undetermined(domain, state.message);
    if (state.kind === 'none' || state.kind === 'invalid-domain') return ctx.skip(`${domain} publishes no SPF record (see spf/present)`);

    if (state.kind === 'multiple') {
      const merged = mergedRecord(state.records);
      ctx.add('fail', 'multiple-records', {
        subject: domain,
        message: `${domain} publishes ${state.records.length} SPF records; there must be exactly one, so every receiver returns permerror and no mail from the domain passes SPF.`,
        remediation: merged
          ? `Merge them into one TXT record and delete the others, e.g. "${merged}" (check that the lookup count stays at 10 or less).`
          : 'Merge them into one TXT record listing every sender, and delete the others.',
        evidence: state.records.map((r, i) => `record ${i + 1}: ${r}`),
      });
    }

    for (const node of spfNodes(spf.tree.root)) {
      const size = node.size;
      if (!size?.overUdpLimit) continue;
      const own = node.domain === domain;
      const others = node.txtRecords.length - node.spfRecords.length;
      ctx.add('warn', 'udp-size', {
        subject: node.domain,
        message: `The TXT answer for ${node.domain}${own ? '' : ` (included by ${domain}'s policy)`} is about ${size.estimatedResponseBytes} octets, over the ${DNS_UDP_LIMIT} octets of a DNS answer over UDP without EDNS: such resolvers get it truncated and must retry over TCP, and receivers that cannot get a permerror or temperror.`,
        remediation: own
          ? `Shorten the answer below ${DNS_UDP_LIMIT} octets: move ip4/ip6 ranges into an include on a subdomain, merge adjacent ranges${others > 0 ? `, or remove the ${others} other TXT record${others === 1 ? '' : 's'} at ${node.domain} that are no longer needed` : ''}.`
          : `The record belongs to whoever runs ${node.domain}; ask them to shorten it, or list the ranges you need in your own record.`,
        evidence: [
          `SPF record: ${size.recordBytes ?? 0} octets; all ${node.txtRecords.length} TXT record(s): ${size.txtRdataBytes} octets of RDATA; estimated answer ${size.estimatedResponseBytes} octets (header, question, answers)`,
          ...(node.record ? [node.record] : []),
        ],
      });
    }

    if (state.kind === 'record') {
      const size = spf.tree.root.size;
      ctx.note(`One SPF record, ${size?.recordBytes ?? Buffer.byteLength(state.record)} octets; TXT answer about ${size?.estimatedResponseBytes ?? '?'} of ${DNS_UDP_LIMIT} octets.`);
    }
  },
});
