// The walked SPF tree as indented text, the way a person debugging the 10-lookup limit wants
// to see it: every record with its own lookup count, the running total before and after it and
// what its branch costs, every term with its lookup number, and "OVER" from lookup 11 on
// (RFC 7208 4.6.4). Reports put it in finding evidence, so the table and the JSON show the same.
//
//   example.com [lookups 0..14, own 3, branch 14]
//     include:_spf1.example.com #1
//       _spf1.example.com [lookups 1..6, own 2, branch 5]
//         a:mail.example.com #6
//     ...
//     mx #14 OVER

import { describePath } from './inspect-tree.ts';
import type { SpfNode, SpfNodeError, SpfTermReport, SpfTree } from './spf-types.ts';
import { DNS_UDP_LIMIT, SPF_LOOKUP_LIMIT, SPF_MX_HOST_LIMIT } from './walk-spf.ts';

export interface RenderTreeOptions {
  /** Indentation per level (default two spaces). */
  indent?: string;
}

function errorLabel(error: SpfNodeError): string {
  switch (error.kind) {
    case 'no-record': return 'no SPF record';
    case 'multiple-records': return 'several SPF records';
    case 'loop': return 'LOOP';
    case 'dns-error': {
      const code = /failed with ([A-Z]+)/.exec(error.message)?.[1];
      return code ? `DNS error ${code}` : 'DNS error';
    }
    case 'syntax': return `syntax error at ${error.position ?? 0}`;
    case 'invalid-domain': return 'invalid domain';
    case 'invalid-target': return 'invalid target name';
    case 'safety-cap': return 'not expanded (safety cap)';
  }
}

function nodeLine(node: SpfNode): string {
  const facts = [`lookups ${node.lookupsAtStart}..${node.lookupsAtEnd}`, `own ${node.lookups}`, `branch ${node.lookupsAtEnd - node.lookupsAtStart}`];
  const voids = node.voidLookups.length;
  if (voids > 0) facts.push(`void ${voids}`);
  let line = `${node.domain} [${facts.join(', ')}]`;
  const recordErrors = node.errors.filter((e) => e.termIndex === null || e.kind === 'syntax');
  const labels = [...new Set(recordErrors.map(errorLabel))];
  if (labels.length > 0) line += ` !! ${labels.join('; ')}`;
  if (node.size?.overUdpLimit) line += ` (TXT answer ~${node.size.estimatedResponseBytes} octets > ${DNS_UDP_LIMIT})`;
  return line;
}

function termLine(node: SpfNode, term: SpfTermReport): string {
  let line = term.raw;
  if (term.lookupNumber !== null) line += ` #${term.lookupNumber}${term.lookupNumber > SPF_LOOKUP_LIMIT ? ' OVER' : ''}`;
  const notes: string[] = [];
  if (!term.reached) notes.push('not reached');
  if (term.targetStatus === 'macro-expanded' && term.target) notes.push(`-> ${term.target}`);
  if (term.targetStatus === 'not-expandable') notes.push('target depends on the sender');
  if (term.targetStatus === 'invalid-name') notes.push('invalid target name');
  if (term.name === 'ptr' && term.reached) notes.push('needs the sender\'s PTR');
  if (term.mxHosts !== null) notes.push(`${term.mxHosts} MX host${term.mxHosts === 1 ? '' : 's'}${term.mxHosts > SPF_MX_HOST_LIMIT ? ` > ${SPF_MX_HOST_LIMIT} OVER` : ''}`);
  for (const v of term.voidLookups) {
    const families = v.families.length === 2 ? '' : ` for ${v.families[0] === 'ipv4' ? 'IPv4' : 'IPv6'}`;
    notes.push(`void: ${v.type} ${v.name} ${v.outcome.toUpperCase()}${families}`);
  }
  if (term.dnsErrorFamilies.length > 0) {
    const failed = term.queries.filter((q) => q.outcome === 'error').map((q) => `${q.type} ${q.error ?? 'error'}`);
    notes.push(`DNS error: ${failed.join(', ')}`);
  }
  if (node.errors.some((e) => e.kind === 'syntax' && e.termIndex === term.index)) notes.push('SYNTAX ERROR');
  if (notes.length > 0) line += ` (${notes.join('; ')})`;
  return line;
}

function renderNode(node: SpfNode, indent: string, step: string, out: string[]): void {
  out.push(`${indent}${nodeLine(node)}`);
  if (node.record === null && node.spfRecords.length > 1) {
    for (const record of node.spfRecords) out.push(`${indent}${step}record: ${record}`);
  }
  // Terms in written order; a redirect is evaluated last but shown where it is written, with its number.
  for (const term of node.terms) {
    out.push(`${indent}${step}${termLine(node, term)}`);
    if (term.child !== null) renderNode(node.children[term.child], `${indent}${step}${step}`, step, out);
  }
}

/** The tree as lines of text, root first. */
export function renderSpfTree(tree: SpfTree, options: RenderTreeOptions = {}): string[] {
  const out: string[] = [];
  renderNode(tree.root, '', options.indent ?? '  ', out);
  return out;
}

/** One line naming the branch where the count first passes 10, or null when it never does. */
export function describeLookupCrossing(tree: SpfTree): string | null {
  const crossing = tree.totals.lookupLimitCrossing;
  if (crossing === null) return null;
  return `lookup ${crossing.count} (over the limit of ${crossing.limit}): ${describePath(crossing.path)}`;
}
