// spf/lookup-limit: evaluating the policy needs at most 10 DNS-querying terms. RFC 7208 4.6.4:
// include, a, mx, ptr, exists and redirect each count one, over the whole include tree and
// every time they are reached (a duplicated include counts again); the 11th makes check_host()
// return permerror, so SPF fails for every sender whose evaluation gets that far. The same
// section limits an mx term to 10 MX hosts (more: permerror) and a ptr term to 10 PTR names
// (the rest ignored). The count follows evaluation order for a sender that no term matches,
// the path with the most lookups; the evidence is the whole tree with each record's own count,
// the running total and the term where it passes 10.
import { defineCheck } from '../../core/check.ts';
import { dnsErrorsInTree, spfNodes } from '../../spf/inspect-tree.ts';
import { describeLookupCrossing, renderSpfTree } from '../../spf/render-tree.ts';
import type { SpfTree } from '../../spf/spf-types.ts';
import { SPF_LOOKUP_LIMIT, SPF_MX_HOST_LIMIT } from '../../spf/walk-spf.ts';
import { hasOneRecord } from './record-gate.ts';

/** What each lookup term of the root record costs, its subtree included, heaviest first. */
export function branchCosts(tree: SpfTree): { term: string; cost: number }[] {
  const root = tree.root;
  return root.terms
    .filter((t) => t.countsLookup)
    .map((t) => {
      const child = t.child === null ? null : root.children[t.child];
      return { term: t.raw, cost: 1 + (child ? child.lookupsAtEnd - child.lookupsAtStart : 0) };
    })
    .sort((a, b) => b.cost - a.cost);
}

/** Records reached more than once (a duplicated include is counted each time, RFC 7208 4.6.4). */
export function repeatedRecords(tree: SpfTree): { domain: string; times: number; cost: number }[] {
  const seen = new Map<string, { times: number; cost: number }>();
  for (const node of spfNodes(tree.root)) {
    if (node.via === 'root' || node.errors.some((e) => e.kind === 'loop')) continue;
    const entry = seen.get(node.domain) ?? { times: 0, cost: 1 + node.lookupsAtEnd - node.lookupsAtStart };
    entry.times += 1;
    seen.set(node.domain, entry);
  }
  return [...seen.entries()].filter(([, v]) => v.times > 1).map(([domain, v]) => ({ domain, ...v }));
}

function treeEvidence(tree: SpfTree): string[] {
  const crossing = describeLookupCrossing(tree);
  return [renderSpfTree(tree).join('\n'), ...(crossing ? [crossing] : [])];
}

export default defineCheck({
  id: 'spf/lookup-limit',
  area: 'spf',
  titles: {
    pass: 'The SPF policy stays within 10 DNS lookups',
    fail: 'The SPF policy is over the 10-lookup limit',
    warn: 'The SPF policy is at the edge of the 10-lookup limit',
    error: 'Could not count the DNS lookups of the SPF policy',
  },
  description:
    'Walks the include/redirect tree in evaluation order and counts include, a, mx, ptr, exists and redirect terms, duplicates included. ' +
    'fail: more than 10 (receivers return permerror at the 11th), or an mx term naming more than 10 MX hosts. ' +
    'warn: 9 or 10, no room for another include. pass: 8 or fewer, noted as "N of 10 DNS lookups". ' +
    'Evidence: the tree with each record\'s own count, the running total and the branch that crosses 10. ' +
    'skipped: no single SPF record. error: a record in the tree could not be fetched and the count stays under the limit without it.',
  reference: 'RFC 7208 section 4.6.4',
  targets: ['domain'],
  facts: ['spf'],
  run(ctx) {
    const spf = ctx.fact('spf');
    if (!hasOneRecord(ctx, spf)) return;
    const tree = spf.tree;
    const domain = spf.domain;
    const total = tree.totals.lookups;

    if (total > SPF_LOOKUP_LIMIT) {
      const crossing = tree.totals.lookupLimitCrossing!;
      const costs = branchCosts(tree).filter((c) => c.cost > 1).slice(0, 3);
      const repeated = repeatedRecords(tree);
      const steps: string[] = [];
      if (repeated.length > 0) steps.push(`include ${repeated.map((r) => `${r.domain} once (reached ${r.times} times, ${r.cost} lookups each)`).join(', ')}`);
      if (costs.length > 0) steps.push(`replace the heaviest includes (${costs.map((c) => `${c.term}: ${c.cost}`).join(', ')}) with the ip4/ip6 ranges they stand for, or drop the ones no longer used`);
      else steps.push('replace a, mx and exists terms with the ip4/ip6 ranges they stand for (ip4/ip6 cost no lookup), or drop the ones no longer used');
      steps.push('or move some senders to a subdomain with its own SPF record');
      ctx.add('fail', 'too-many', {
        subject: domain,
        message: `SPF evaluation needs ${total} DNS lookups; receivers stop at ${SPF_LOOKUP_LIMIT} and return permerror at lookup ${crossing.count}, "${crossing.term}" in ${crossing.domain}.`,
        remediation: `Bring the count to ${SPF_LOOKUP_LIMIT} or less: ${steps.join('; ')}.`,
        evidence: [...treeEvidence(tree), ...repeated.map((r) => `${r.domain} is reached ${r.times} times and counted each time`)],
      });
    } else if (total >= SPF_LOOKUP_LIMIT - 1) {
      ctx.add('warn', 'near-limit', {
        subject: domain,
        message: `SPF evaluation needs ${total} of at most ${SPF_LOOKUP_LIMIT} DNS lookups: one more include or a provider adding a term to its record makes every receiver return permerror.`,
        remediation: 'Make room: replace an include with the ip4/ip6 ranges it stands for, or remove terms that no longer send mail.',
        evidence: treeEvidence(tree),
      });
    } else {
      const costs = branchCosts(tree);
      ctx.note(`${total} of ${SPF_LOOKUP_LIMIT} DNS lookups${costs.length > 0 ? `: ${costs.map((c) => `${c.term} ${c.cost}`).join(', ')}` : ''}.`);
    }

    if (total <= SPF_LOOKUP_LIMIT) {
      for (const r of repeatedRecords(tree)) ctx.note(`${r.domain} is reached ${r.times} times and counted each time (${r.cost} lookups each).`);
    }

    for (const node of spfNodes(tree.root)) {
      for (const term of node.terms) {
        if (term.mxHosts === null || term.mxHosts <= SPF_MX_HOST_LIMIT) continue;
        ctx.add('fail', 'mx-hosts', {
          subject: node.domain,
          message: `"${term.raw}" in ${node.domain} names ${term.mxHosts} MX hosts; a receiver may look up the addresses of at most ${SPF_MX_HOST_LIMIT} and returns permerror for more.`,
          remediation: `Replace "${term.raw}" with the ip4/ip6 ranges of the hosts that send mail, or with a:host terms for them (within the lookup limit).`,
          evidence: [`MX ${term.target ?? node.domain}: ${term.mxHostNames.join(', ')}`],
        });
      }
    }

    const ptrs = [...spfNodes(tree.root)].flatMap((n) => n.terms.filter((t) => t.reached && (t.name === 'ptr' || /%\{p/i.test(t.raw))).map((t) => `"${t.raw}" in ${n.domain}`));
    if (ptrs.length > 0) {
      ctx.note(`${ptrs.join(', ')}: counted once each here; at delivery time a receiver also checks the addresses of at most 10 of the sender's PTR names and ignores the rest (RFC 7208 section 4.6.4).`);
    }
    if (tree.totals.notExpandableTerms > 0) {
      ctx.note(`${tree.totals.notExpandableTerms} term(s) depend on the sender (macros or ptr) and are counted once each; what they include cannot be known before a message arrives.`);
    }
    if (tree.totals.unreachedLookupTerms > 0) {
      ctx.note(`${tree.totals.unreachedLookupTerms} lookup term(s) are never evaluated (after "all", after an include that passes everyone, or a redirect beside "all") and are not counted.`);
    }
    if (total <= SPF_LOOKUP_LIMIT) {
      // A record that could not be fetched hides its subtree; a failed query of a counted term does not change the count.
      for (const failure of dnsErrorsInTree(tree).filter((f) => f.term === null)) {
        ctx.undetermined(failure.domain, `the count of ${total} is incomplete: ${failure.message}`);
      }
    }
  },
});
