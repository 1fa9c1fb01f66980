// Read-only questions about a walked SPF tree (src/spf/walk-spf.ts) that several checks ask:
// every node in evaluation order, a branch written out as text, the state of the root record,
// and how the policy ends for a sender that nothing matches. Pure functions over plain data.

import type { SpfNode, SpfNodeError, SpfPathStep, SpfQualifier, SpfTermReport, SpfTree } from './spf-types.ts';

/** Every node of the tree, depth-first in evaluation order (include targets at their term, redirect last). */
export function* spfNodes(node: SpfNode): Generator<SpfNode> {
  yield node;
  const redirect = node.parsed?.redirect ?? null;
  const ordered = [...node.terms.filter((t) => t.index !== redirect), ...node.terms.filter((t) => t.index === redirect)];
  const seen = new Set<number>();
  for (const term of ordered) {
    if (term.child === null) continue;
    seen.add(term.child);
    yield* spfNodes(node.children[term.child]);
  }
  // Children not reached through a term report (none today) are still visited.
  for (const [index, child] of node.children.entries()) if (!seen.has(index)) yield* spfNodes(child);
}

/** "example.com include:_spf.example.net -> _spf.example.net mx:z.example.net": each record and the term taken in it. */
export function describePath(path: readonly SpfPathStep[]): string {
  return path.map((step) => (step.term === null ? step.domain : `${step.domain} ${step.term}`)).join(' -> ');
}

/** The term of a node that led to it from its parent, e.g. "include:_spf.example.net in example.com". */
export function describeArrival(node: SpfNode): string {
  const parent = node.path.length >= 2 ? node.path[node.path.length - 2] : null;
  if (parent === null || node.viaTerm === null) return node.domain;
  return `"${node.viaTerm}" in ${parent.domain}`;
}

export type RootState =
  | { kind: 'record'; record: string }
  | { kind: 'multiple'; records: string[] }
  /** no SPF record: the name does not exist, has no TXT, or no TXT starting with v=spf1 */
  | { kind: 'none'; outcome: 'nxdomain' | 'nodata' | 'no-spf'; txtRecords: string[] }
  /** the TXT lookup failed (timeout, SERVFAIL, ...): nothing can be said */
  | { kind: 'dns-error'; message: string }
  | { kind: 'invalid-domain'; message: string };

export function rootState(tree: SpfTree): RootState {
  const root = tree.root;
  const error = (kind: SpfNodeError['kind']): SpfNodeError | undefined => root.errors.find((e) => e.kind === kind && e.termIndex === null);
  const invalid = error('invalid-domain');
  if (invalid) return { kind: 'invalid-domain', message: invalid.message };
  const dns = error('dns-error');
  if (dns) return { kind: 'dns-error', message: dns.message };
  if (root.spfRecords.length > 1) return { kind: 'multiple', records: root.spfRecords };
  if (root.record !== null) return { kind: 'record', record: root.record };
  const outcome = root.txtQuery?.outcome;
  return { kind: 'none', outcome: outcome === 'nxdomain' || outcome === 'nodata' ? outcome : 'no-spf', txtRecords: root.txtRecords };
}

/**
 * A "+" term other than "all" that still matches every sender of at least one address family:
 * ip4 with prefix /0 (every IPv4 client), ip6 with /0 (every IPv6 client), or exists on a fixed
 * name (no sender macro) that has an A record (RFC 7208 5.6, 5.7). Returns which senders, or null.
 */
export function matchesEveryone(term: SpfTermReport): string | null {
  if (!term.reached || term.kind !== 'mechanism' || (term.qualifier !== '+' && term.qualifier !== null)) return null;
  if (term.name === 'ip4' && /\/0$/.test(term.raw)) return 'every IPv4 sender';
  if (term.name === 'ip6' && /\/0$/.test(term.raw)) return 'every IPv6 sender';
  if (term.name === 'exists' && (term.targetStatus === 'literal' || term.targetStatus === 'macro-expanded') && term.queries.some((q) => q.type === 'A' && q.outcome === 'ok')) {
    return 'every sender, because the name exists whoever sends';
  }
  return null;
}

/**
 * Whether evaluation of this node ends in a match for every sender: a reached "+all", a "+" term
 * that matches everyone (matchesEveryone), or a "+" include or redirect of such a node (RFC 7208 5.1, 5.2, 6.1).
 */
export function passesEveryone(node: SpfNode): boolean {
  for (const term of node.terms) {
    if (!term.reached || term.kind !== 'mechanism') continue;
    if (term.name === 'all') return term.qualifier === '+';
    if (matchesEveryone(term) !== null) return true;
    if (term.name === 'include' && term.child !== null && term.qualifier === '+' && passesEveryone(node.children[term.child])) return true;
  }
  const redirect = node.parsed?.redirect ?? null;
  if (redirect !== null) {
    const term = node.terms[redirect];
    if (term.reached && term.child !== null) return passesEveryone(node.children[term.child]);
  }
  return false;
}

/** How a policy ends for a sender no other term matches; `node` is the record holding the deciding term, `via` the records whose redirect led there. */
export type PolicyEnding =
  /** an "all" decides (or an include that matches every sender, with its qualifier) */
  | { kind: 'all'; qualifier: SpfQualifier; node: SpfNode; term: SpfTermReport; via: string[] }
  /** an include of a policy that passes everyone decides before any "all" */
  | { kind: 'include-passes-everyone'; node: SpfNode; term: SpfTermReport; via: string[] }
  /** a "+" ip4/ip6 /0 or an exists on a fixed name that resolves matches everyone before any "all" */
  | { kind: 'open-term'; node: SpfNode; term: SpfTermReport; senders: string; via: string[] }
  /** no "all" and no redirect: the result is neutral (RFC 7208 4.7) */
  | { kind: 'default-neutral'; node: SpfNode; via: string[] }
  /** the redirect target gives no policy (no record, loop, DNS error, ...) */
  | { kind: 'redirect-broken'; node: SpfNode; target: SpfNode; via: string[] };

export function policyEnding(node: SpfNode, via: string[] = []): PolicyEnding {
  for (const term of node.terms) {
    if (!term.reached || term.kind !== 'mechanism') continue;
    if (term.name === 'all') return { kind: 'all', qualifier: term.qualifier ?? '+', node, term, via };
    const senders = matchesEveryone(term);
    if (senders !== null) return { kind: 'open-term', node, term, senders, via };
    if (term.name === 'include' && term.child !== null && passesEveryone(node.children[term.child])) {
      // The include matches every sender, so it decides like an "all" with its own qualifier (RFC 7208 5.2).
      if (term.qualifier === '+' || term.qualifier === null) return { kind: 'include-passes-everyone', node, term, via };
      return { kind: 'all', qualifier: term.qualifier, node, term, via };
    }
  }
  const redirect = node.parsed?.redirect ?? null;
  if (redirect !== null && node.terms[redirect].reached) {
    const term = node.terms[redirect];
    if (term.child !== null) {
      const target = node.children[term.child];
      if (target.parsed === null) return { kind: 'redirect-broken', node, target, via };
      return policyEnding(target, [...via, node.domain]);
    }
  }
  return { kind: 'default-neutral', node, via };
}

/**
 * DNS errors met in the tree: a record that could not be fetched (term null: its whole subtree is
 * unknown) or a query of one term (its match and void status are unknown).
 */
export function dnsErrorsInTree(tree: SpfTree): { domain: string; term: string | null; message: string }[] {
  const out: { domain: string; term: string | null; message: string }[] = [];
  for (const node of spfNodes(tree.root)) {
    for (const error of node.errors) {
      if (error.kind === 'dns-error') out.push({ domain: node.domain, term: error.termIndex === null ? null : error.term, message: error.message });
    }
  }
  return out;
}
