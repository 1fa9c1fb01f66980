// spf/void-lookups: evaluating the policy meets at most 2 lookups that return no data.
// RFC 7208 4.6.4: a "void lookup" is an NXDOMAIN or NODATA answer to a query an a, mx, exists,
// include or redirect term makes; after 2 of them check_host() returns permerror, so names
// that no longer exist (a retired host, a provider's old include) break SPF for everyone.
// An a term asks A for IPv4 senders and AAAA for IPv6 senders (5.3), so the count is kept per
// address family: a host with only an A record is void for IPv6 senders only.
import { defineCheck } from '../../core/check.ts';
import { describePath, dnsErrorsInTree, spfNodes } from '../../spf/inspect-tree.ts';
import type { AddressFamily, SpfVoidLookup } from '../../spf/spf-types.ts';
import { SPF_VOID_LIMIT } from '../../spf/walk-spf.ts';
import { hasOneRecord } from './record-gate.ts';

const FAMILY: Record<AddressFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

export function describeVoid(v: SpfVoidLookup): string {
  const families = v.families.length === 2 ? '' : ` (${FAMILY[v.families[0]!]} senders only)`;
  return `${v.domain}: "${v.term}" -> ${v.type} ${v.name}: ${v.outcome.toUpperCase()}${families}`;
}

export default defineCheck({
  id: 'spf/void-lookups',
  area: 'spf',
  titles: {
    pass: 'The SPF policy makes at most 2 void lookups',
    fail: 'The SPF policy makes too many void lookups',
    error: 'Could not count the void lookups of the SPF policy',
  },
  description:
    'Counts the NXDOMAIN and NODATA answers to the queries of a, mx, exists, include and redirect terms over the whole tree, per sender address family. ' +
    'fail: more than 2 for IPv4 or IPv6 senders (receivers return permerror at the third). pass: 2 or fewer, each listed. ' +
    'skipped: no single SPF record. error: a query in the tree failed and the count stays within the limit without it.',
  reference: 'RFC 7208 section 4.6.4',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (!hasOneRecord(ctx, spf)) return;
    const tree = spf.tree;
    const counts = tree.totals.voidLookups;
    const voids = [...spfNodes(tree.root)].flatMap((n) => n.voidLookups);
    const over = (['ipv4', 'ipv6'] as const).filter((f) => counts[f] > SPF_VOID_LIMIT);

    if (over.length > 0) {
      const crossing = tree.totals.voidLimitCrossing[over[0]!]!;
      const who = over.length === 2
        ? (counts.ipv4 === counts.ipv6 ? `${counts.ipv4} void lookups for every sender` : `${counts.ipv4} void lookups for IPv4 senders and ${counts.ipv6} for IPv6 senders`)
        : `${counts[over[0]!]} void lookups for ${FAMILY[over[0]!]} senders`;
      const terms = [...new Set(voids.map((v) => `"${v.term}" in ${v.domain}`))];
      ctx.add('fail', 'too-many', {
        subject: spf.domain,
        message: `SPF evaluation makes ${who} (names that do not exist or have no such record); receivers allow ${SPF_VOID_LIMIT} and return permerror at the third, "${crossing.term}" in ${crossing.domain}.`,
        remediation: `Remove or correct the terms that point at names without records: ${terms.join(', ')}.`,
        evidence: [...voids.map(describeVoid), `void lookup ${crossing.count} (over the limit of ${crossing.limit}): ${describePath(crossing.path)}`],
      });
      return;
    }

    const most = Math.max(counts.ipv4, counts.ipv6);
    ctx.note(voids.length === 0
      ? `0 of ${SPF_VOID_LIMIT} void lookups.`
      : `${most} of ${SPF_VOID_LIMIT} void lookups${counts.ipv4 !== counts.ipv6 ? ` (IPv4 senders ${counts.ipv4}, IPv6 senders ${counts.ipv6})` : ''}: ${voids.map(describeVoid).join('; ')}.`);
    for (const failure of dnsErrorsInTree(tree)) {
      ctx.undetermined(failure.domain, `the void-lookup count of ${most} is incomplete: ${failure.message}`);
    }
  },
});
