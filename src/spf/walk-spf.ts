// Walks a domain's SPF policy as an include/redirect tree and counts what RFC 7208 4.6.4 limits:
// the lookup-causing terms (include, a, mx, ptr, exists, redirect; at most 10), void lookups
// (at most 2) and MX hosts per mx term (at most 10). The walk never stops at a limit or an error,
// because the user needs the whole tree to fix it; it stops only where evaluation stops for every
// sender (after "all", after an include that passes everyone), at loops, and at a safety cap.
//
// There is no sender at audit time. The walk follows the path of a sender that no ip4/ip6/a/mx/
// ptr/exists term matches, which is the path that makes the most lookups. Macros that need the
// sender (IP, HELO, local-part) cannot be expanded; such terms are recorded and still counted.

import type { DnsAnswer, DnsErrorCode, DnsRecord, DnsResolver, RRType } from '../net/dns/types.ts';
import { describeMacroLetter, expandMacroTokens, parseDomainSpec, toTargetName } from './macro.ts';
import { isSpfRecord, parseSpf } from './parse-spf.ts';
import type {
  AddressFamily,
  ParsedSpf,
  SpfFamilyResult,
  SpfLimitCrossing,
  SpfMechanismTerm,
  SpfNode,
  SpfNodeError,
  SpfPathStep,
  SpfProblem,
  SpfQualifier,
  SpfQuery,
  SpfRecordSize,
  SpfResult,
  SpfTargetStatus,
  SpfTermReport,
  SpfTree,
  SpfVoidCount,
  WalkSpfOptions,
} from './spf-types.ts';

/** RFC 7208 4.6.4 */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
export const SPF_MX_HOST_LIMIT = 10;
/** Classic DNS message size over UDP without EDNS (RFC 1035 4.2.1, RFC 7208 3.4). */
export const DNS_UDP_LIMIT = 512;

const BOTH: AddressFamily[] = ['ipv4', 'ipv6'];

interface WalkState {
  resolver: DnsResolver;
  prefetch: boolean;
  maxDepth: number;
  maxNodes: number;
  rootDomain: string;
  lookups: number;
  voids: SpfVoidCount;
  nodes: number;
  maxDepthSeen: number;
  truncated: boolean;
  lookupCrossing: SpfLimitCrossing | null;
  voidCrossing: { ipv4: SpfLimitCrossing | null; ipv6: SpfLimitCrossing | null };
  maxMxHosts: number | null;
  unreachedLookupTerms: number;
  notExpandableTerms: number;
  /** Nodes whose evaluation ends in a match for every sender (a "+" all, or a "+" include of such a node). */
  passesEveryone: WeakSet<SpfNode>;
  /** Every name on the branch down to a node, CNAME targets of the TXT answers included, for loop detection. */
  namesOnPath: WeakMap<SpfNode, string[]>;
}

/** The term of a parent that led to a node, so the TXT query of the target is attributed to it. */
interface Origin { node: SpfNode; report: SpfTermReport }

function normalizeName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Why a name cannot be sent as a DNS question (RFC 1035 2.3.4), or null when it can. */
function nameProblem(name: string): string | null {
  if (name === '') return 'the name is empty';
  if (Buffer.byteLength(name, 'utf8') > 253) return 'the name is longer than 253 octets';
  for (const label of name.split('.')) {
    if (label === '') return 'the name has an empty label';
    if (Buffer.byteLength(label, 'utf8') > 63) return `the label "${label.slice(0, 20)}..." is longer than 63 octets`;
  }
  return null;
}

function qualifierResult(q: SpfQualifier): SpfResult {
  return q === '+' ? 'pass' : q === '-' ? 'fail' : q === '~' ? 'softfail' : 'neutral';
}

function renderRecord(record: DnsRecord): string {
  switch (record.type) {
    case 'A':
    case 'AAAA': return record.address;
    case 'MX': return `${record.data.priority} ${record.data.exchange}`;
    case 'TXT':
    case 'SPF': return record.strings.join('');
    case 'CNAME':
    case 'PTR':
    case 'NS': return record.target;
    default: return JSON.stringify(record);
  }
}

function toQuery(name: string, type: RRType, answer: DnsAnswer): SpfQuery {
  return { name, type, outcome: answer.outcome, error: answer.error, answers: answer.records.map(renderRecord), cnames: answer.cnames };
}

async function ask(state: WalkState, name: string, type: RRType): Promise<{ query: SpfQuery; answer: DnsAnswer | null }> {
  try {
    const answer = await state.resolver.query(name, type);
    return { query: toQuery(name, type, answer), answer };
  } catch (err) {
    // The seam promises not to throw for DNS outcomes; anything thrown is still a failed lookup.
    const code = (err as { code?: DnsErrorCode }).code ?? 'EBADRESP';
    return { query: { name, type, outcome: 'error', error: code, answers: [], cnames: [] }, answer: null };
  }
}

/**
 * Starts the lookups of a record's literal targets (no macros) at once, not awaited: the walk
 * below still evaluates the terms in order (RFC 7208 4.6.2), because lookup counting, void
 * lookups and "never evaluated" depend on that order, but it finds the answers cached or in
 * flight instead of waiting for each include in turn (a record with four includes cost four
 * round trips). Targets after "all" are never evaluated (RFC 7208 5.1), so never asked; nor is
 * the redirect of a record that has "all" (6.1). Failures are the walk's to see: an answer
 * that failed is not cached, and the walk asks again.
 */
function prefetchTargets(state: WalkState, domain: string, parsed: ParsedSpf): void {
  const ask = (name: string, type: RRType) => { void state.resolver.query(name, type).catch(() => undefined); };
  const target = (spec: string | null): string | null => {
    if (spec === null) return domain;
    if (spec.includes('%')) return null;
    const name = normalizeName(toTargetName(spec));
    return nameProblem(name) === null ? name : null;
  };
  for (const term of parsed.terms) {
    if (term.kind !== 'mechanism') continue;
    if (term.mechanism === 'all') return;
    const name = target(term.domainSpec);
    if (name === null) continue;
    switch (term.mechanism) {
      case 'include': ask(name, 'TXT'); break;
      case 'a': ask(name, 'A'); ask(name, 'AAAA'); break;
      case 'mx': ask(name, 'MX'); break;
      case 'exists': ask(name, 'A'); break;
      default: break;
    }
  }
  if (parsed.redirect !== null) {
    const redirect = parsed.terms[parsed.redirect];
    const name = redirect?.kind === 'modifier' ? target(redirect.value) : null;
    if (name !== null) ask(name, 'TXT');
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Estimated size of the TXT response: 12-octet header, question, answers with a 2-octet name pointer each (RFC 1035 4.1). */
function recordSize(domain: string, records: DnsRecord[], chosen: string | null): SpfRecordSize {
  const qname = domain.split('.').reduce((sum, label) => sum + 1 + byteLength(label), 1);
  let txtRdataBytes = 0;
  let answers = 0;
  for (const record of records) {
    if (record.type !== 'TXT' && record.type !== 'SPF') continue;
    const rdata = record.strings.reduce((sum, s) => sum + 1 + byteLength(s), 0);
    txtRdataBytes += rdata;
    answers += 2 + 10 + rdata;
  }
  const estimatedResponseBytes = 12 + qname + 4 + answers;
  return {
    recordBytes: chosen === null ? null : byteLength(chosen),
    txtRdataBytes,
    estimatedResponseBytes,
    overUdpLimit: estimatedResponseBytes > DNS_UDP_LIMIT,
  };
}

function emptyReport(term: ParsedTerm): SpfTermReport {
  return {
    index: term.index,
    raw: term.raw,
    position: term.position,
    kind: term.kind,
    name: term.kind === 'mechanism' ? term.mechanism : term.kind === 'modifier' ? term.name : '',
    qualifier: term.kind === 'mechanism' ? term.qualifier : null,
    countsLookup: false,
    lookupNumber: null,
    reached: false,
    notReachedReason: null,
    target: null,
    targetStatus: 'none',
    notExpandable: null,
    queries: [],
    voidLookups: [],
    voidsAfter: null,
    mxHosts: null,
    mxHostNames: [],
    dnsErrorFamilies: [],
    child: null,
  };
}

type ParsedTerm = NonNullable<SpfNode['parsed']>['terms'][number];

/** The path to a node with its last step naming one of its terms. */
function pathTo(node: SpfNode, report: SpfTermReport | null): SpfPathStep[] {
  const steps = node.path.slice(0, -1);
  steps.push({ domain: node.domain, termIndex: report ? report.index : null, term: report ? report.raw : null });
  return steps;
}

function countLookup(state: WalkState, node: SpfNode, report: SpfTermReport): void {
  state.lookups += 1;
  node.lookups += 1;
  report.countsLookup = true;
  report.lookupNumber = state.lookups;
  if (state.lookups === SPF_LOOKUP_LIMIT + 1 && state.lookupCrossing === null) {
    state.lookupCrossing = {
      count: state.lookups, limit: SPF_LOOKUP_LIMIT, domain: node.domain, termIndex: report.index, term: report.raw,
      position: report.position, path: pathTo(node, report),
    };
  }
}

function addVoid(state: WalkState, node: SpfNode, report: SpfTermReport, query: SpfQuery, families: AddressFamily[]): void {
  const entry = {
    domain: node.domain, termIndex: report.index, term: report.raw, position: report.position,
    name: query.name, type: query.type, outcome: query.outcome as 'nxdomain' | 'nodata', families,
  };
  node.voidLookups.push(entry);
  report.voidLookups.push(entry);
  for (const family of families) {
    state.voids[family] += 1;
    if (state.voids[family] === SPF_VOID_LIMIT + 1 && state.voidCrossing[family] === null) {
      state.voidCrossing[family] = {
        count: state.voids[family], limit: SPF_VOID_LIMIT, domain: node.domain, termIndex: report.index, term: report.raw,
        position: report.position, path: pathTo(node, report),
      };
    }
  }
}

function termError(node: SpfNode, report: SpfTermReport, kind: SpfNodeError['kind'], message: string): void {
  node.errors.push({ kind, message, termIndex: report.index, term: report.raw, position: report.position });
}

/** Records the outcome of one query a mechanism made: void lookups and DNS errors per address family. */
function noteOutcome(state: WalkState, node: SpfNode, report: SpfTermReport, query: SpfQuery, families: AddressFamily[]): void {
  report.queries.push(query);
  if (query.outcome === 'nxdomain' || query.outcome === 'nodata') {
    addVoid(state, node, report, query, families);
  } else if (query.outcome === 'error') {
    for (const family of families) if (!report.dnsErrorFamilies.includes(family)) report.dnsErrorFamilies.push(family);
    termError(node, report, 'dns-error', `${query.type} query for ${query.name} failed with ${query.error ?? 'an error'}, so "${report.raw}" gives temperror (RFC 7208 5).`);
  }
}

/** Works out the name a term queries: as written, the current domain, or expanded from the macros known at audit time. */
function resolveTarget(state: WalkState, node: SpfNode, term: SpfMechanismTerm | { domainSpec: string | null; macroLetters: string[] }, report: SpfTermReport): string | null {
  let status: SpfTargetStatus;
  let name: string | null;
  if (term.domainSpec === null) {
    status = 'current-domain';
    name = node.domain;
  } else if (!term.domainSpec.includes('%')) {
    status = 'literal';
    name = normalizeName(toTargetName(term.domainSpec));
  } else {
    // Macros and the escapes %%, %_, %- (RFC 7208 7.1). %{d} is the domain being evaluated and %{o}
    // the sender's domain, taken to be the audited domain (7.3).
    const expansion = expandMacroTokens(parseDomainSpec(term.domainSpec).tokens, { d: node.domain, o: state.rootDomain });
    if (expansion.value === null) {
      report.target = term.domainSpec;
      report.targetStatus = 'not-expandable';
      report.notExpandable = `Not expandable at audit time: uses ${expansion.missing.map((l) => `%{${l}} (${describeMacroLetter(l)})`).join(', ')}.`;
      state.notExpandableTerms += 1;
      return null;
    }
    status = 'macro-expanded';
    name = normalizeName(toTargetName(expansion.value));
  }
  report.target = name;
  report.targetStatus = status;
  const problem = nameProblem(name);
  if (problem !== null) {
    report.targetStatus = 'invalid-name';
    report.notExpandable = `The target "${name}" cannot be queried: ${problem} (RFC 7208 4.3).`;
    return null;
  }
  return name;
}

function stubNode(state: WalkState, parent: SpfNode, report: SpfTermReport, domain: string, via: 'include' | 'redirect', error: SpfNodeError): SpfNode {
  state.nodes += 1;
  return {
    domain, via, viaTerm: report.raw, depth: parent.depth + 1,
    path: [...pathTo(parent, report), { domain, termIndex: null, term: null }],
    txtQuery: null, txtRecords: [], spfRecords: [], record: null, parsed: null, terms: [], lookups: 0,
    lookupsAtStart: state.lookups, lookupsAtEnd: state.lookups, voidLookups: [],
    voidsAtStart: { ...state.voids }, voidsAtEnd: { ...state.voids }, children: [], errors: [error], size: null,
    resultWhenNothingMatches: { ipv4: 'permerror', ipv6: 'permerror' },
  };
}

/** Expands an include or redirect target into a child node, unless it is a loop or past the safety cap. */
async function follow(state: WalkState, parent: SpfNode, report: SpfTermReport, target: string, via: 'include' | 'redirect'): Promise<SpfNode> {
  let child: SpfNode;
  const onPath = (state.namesOnPath.get(parent) ?? []).includes(target);
  if (onPath) {
    const chain = [...parent.path.map((s) => s.domain), target].join(' -> ');
    child = stubNode(state, parent, report, target, via, {
      kind: 'loop', termIndex: null, term: null, position: null,
      message: `Loop: ${target} is already being evaluated on this branch (${chain}); evaluation would repeat until it exceeds the lookup limit (RFC 7208 4.6.4).`,
    });
  } else if (parent.depth + 1 > state.maxDepth || state.nodes >= state.maxNodes) {
    state.truncated = true;
    child = stubNode(state, parent, report, target, via, {
      kind: 'safety-cap', termIndex: null, term: null, position: null,
      message: `Not expanded: the walk stops at depth ${state.maxDepth} or ${state.maxNodes} records.`,
    });
  } else {
    child = await walkNode(state, target, via, report.raw, pathTo(parent, report), parent.depth + 1, { node: parent, report });
  }
  report.child = parent.children.length;
  parent.children.push(child);
  return child;
}

async function walkNode(
  state: WalkState, domain: string, via: SpfNode['via'], viaTerm: string | null, parentPath: SpfPathStep[], depth: number, origin: Origin | null,
): Promise<SpfNode> {
  state.nodes += 1;
  state.maxDepthSeen = Math.max(state.maxDepthSeen, depth);
  const node: SpfNode = {
    domain, via, viaTerm, depth, path: [...parentPath, { domain, termIndex: null, term: null }],
    txtQuery: null, txtRecords: [], spfRecords: [], record: null, parsed: null, terms: [], lookups: 0,
    lookupsAtStart: state.lookups, lookupsAtEnd: state.lookups, voidLookups: [],
    voidsAtStart: { ...state.voids }, voidsAtEnd: { ...state.voids }, children: [], errors: [], size: null,
    resultWhenNothingMatches: { ipv4: 'neutral', ipv6: 'neutral' },
  };
  const nodeError = (kind: SpfNodeError['kind'], message: string): void => {
    node.errors.push({ kind, message, termIndex: null, term: null, position: null });
  };

  if (origin === null) {
    // RFC 7208 4.3: a malformed or single-label <domain> gives "none" without a query.
    const problem = nameProblem(domain) ?? (domain.startsWith('[') || /^[0-9.]+$/.test(domain) ? 'it is an address literal, not a domain name'
      : domain.includes('.') ? null : 'it is not a multi-label domain name');
    if (problem !== null) {
      nodeError('invalid-domain', `${domain} cannot have an SPF record: ${problem}; the result is none (RFC 7208 4.3).`);
      return finishNode(state, node);
    }
  }

  const { query, answer } = await ask(state, domain, 'TXT');
  node.txtQuery = query;
  const above = origin === null ? [] : state.namesOnPath.get(origin.node) ?? [];
  state.namesOnPath.set(node, [...above, domain, ...query.cnames]);
  const targetWord = via === 'include' ? 'include target' : 'redirect target';
  const section = via === 'include' ? '5.2' : '6.1';
  if (origin !== null) {
    origin.report.queries.push(query);
    if (query.outcome === 'nxdomain' || query.outcome === 'nodata') addVoid(state, origin.node, origin.report, query, BOTH);
    origin.report.voidsAfter = { ...state.voids };
  }
  const alias = query.cnames.find((name) => above.includes(name));
  if (alias !== undefined) {
    nodeError('loop', `Loop: ${domain} is an alias (CNAME) of ${alias}, which is already being evaluated on this branch; evaluation would repeat until it exceeds the lookup limit (RFC 7208 4.6.4).`);
    return finishNode(state, node);
  }
  if (query.outcome === 'error') {
    if (query.error === 'EBADNAME') {
      nodeError(origin === null ? 'invalid-domain' : 'invalid-target', `${domain} is not a valid DNS name (EBADNAME).`);
    } else {
      nodeError('dns-error', `TXT query for ${domain} failed with ${query.error ?? 'an error'}: temperror (RFC 7208 4.4).`);
    }
    return finishNode(state, node);
  }
  if (query.outcome !== 'ok') {
    nodeError('no-record', origin === null
      ? `${domain} has no TXT records (${query.outcome}); the result is none (RFC 7208 4.5).`
      : `The ${targetWord} ${domain} does not exist or has no TXT records (${query.outcome}): permerror (RFC 7208 ${section}).`);
    return finishNode(state, node);
  }

  const records = answer?.records ?? [];
  node.size = recordSize(domain, records, null);
  node.txtRecords = records.flatMap((r) => (r.type === 'TXT' || r.type === 'SPF' ? [r.strings.join('')] : []));
  node.spfRecords = node.txtRecords.filter(isSpfRecord);
  if (node.spfRecords.length === 0) {
    nodeError('no-record', origin === null
      ? `${domain} has no SPF record among its ${node.txtRecords.length} TXT record(s); the result is none (RFC 7208 4.5).`
      : `The ${targetWord} ${domain} has no SPF record: permerror (RFC 7208 ${section}).`);
    return finishNode(state, node);
  }
  if (node.spfRecords.length > 1) {
    nodeError('multiple-records', `${domain} publishes ${node.spfRecords.length} SPF records; there must be exactly one: permerror (RFC 7208 4.5).`);
    return finishNode(state, node);
  }

  const record = node.spfRecords[0];
  node.record = record;
  node.size = recordSize(domain, records, record);
  const parsed = parseSpf(record);
  node.parsed = parsed;
  for (const e of parsed.errors) node.errors.push({ kind: 'syntax', message: e.message, termIndex: e.termIndex, term: e.term || null, position: e.position });
  node.terms = parsed.terms.map(emptyReport);
  if (state.prefetch && state.nodes < state.maxNodes && node.depth < state.maxDepth) prefetchTargets(state, node.domain, parsed);

  // Mechanisms in order (RFC 7208 4.6.2); redirect only after all of them (6.1).
  let stopped: string | null = null;
  let stopQualifier: SpfQualifier | null = null;
  for (const term of parsed.terms) {
    const report = node.terms[term.index];
    if (term.kind === 'modifier' && term.index === parsed.redirect) continue;
    if (stopped !== null) {
      report.notReachedReason = stopped;
      if (term.kind === 'mechanism' && term.countsLookup) state.unreachedLookupTerms += 1;
      continue;
    }
    report.reached = true;
    if (term.kind !== 'mechanism') continue;

    switch (term.mechanism) {
      case 'all':
        stopped = `Never evaluated: "${term.raw}" before it matches every sender (RFC 7208 5.1).`;
        stopQualifier = term.qualifier;
        break;
      case 'ip4':
      case 'ip6':
        break;
      case 'ptr': {
        countLookup(state, node, report);
        resolveTarget(state, node, term, report);
        if (report.targetStatus !== 'not-expandable') {
          report.notExpandable = 'Not evaluated at audit time: ptr looks up the PTR records of the sender\'s IP address (RFC 7208 5.5).';
          state.notExpandableTerms += 1;
        }
        break;
      }
      case 'a': {
        countLookup(state, node, report);
        const name = resolveTarget(state, node, term, report);
        if (name === null) break;
        // The query type follows the client's address family (RFC 7208 5.3): A for IPv4, AAAA for IPv6.
        const [v4, v6] = await Promise.all([ask(state, name, 'A'), ask(state, name, 'AAAA')]);
        noteOutcome(state, node, report, v4.query, ['ipv4']);
        noteOutcome(state, node, report, v6.query, ['ipv6']);
        report.voidsAfter = { ...state.voids };
        break;
      }
      case 'mx': {
        countLookup(state, node, report);
        const name = resolveTarget(state, node, term, report);
        if (name === null) break;
        const mx = await ask(state, name, 'MX');
        noteOutcome(state, node, report, mx.query, BOTH);
        report.voidsAfter = { ...state.voids };
        if (mx.query.outcome === 'ok' && mx.answer) {
          // Each MX record naming a host costs an address lookup; a null MX (".", RFC 7505) names none.
          const hosts = mx.answer.records.flatMap((r) => (r.type === 'MX' && r.data.exchange !== '' && r.data.exchange !== '.' ? [r.data.exchange] : []));
          report.mxHosts = hosts.length;
          report.mxHostNames = hosts;
          state.maxMxHosts = Math.max(state.maxMxHosts ?? 0, hosts.length);
        }
        break;
      }
      case 'exists': {
        countLookup(state, node, report);
        const name = resolveTarget(state, node, term, report);
        if (name === null) break;
        // exists always asks for A, whatever the client's family (RFC 7208 5.7).
        const a = await ask(state, name, 'A');
        noteOutcome(state, node, report, a.query, BOTH);
        report.voidsAfter = { ...state.voids };
        break;
      }
      case 'include': {
        countLookup(state, node, report);
        const name = resolveTarget(state, node, term, report);
        if (name === null) {
          if (report.targetStatus === 'invalid-name') termError(node, report, 'invalid-target', `${report.notExpandable} An include of a malformed name is permerror (RFC 7208 5.2).`);
          break;
        }
        const child = await follow(state, node, report, name, 'include');
        if (state.passesEveryone.has(child)) {
          stopped = `Never evaluated: "${term.raw}" matches every sender, because ${child.domain} passes everyone (RFC 7208 5.2).`;
          stopQualifier = term.qualifier;
        }
        break;
      }
    }
  }

  if (parsed.redirect !== null) {
    const term = parsed.terms[parsed.redirect];
    const report = node.terms[parsed.redirect];
    if (parsed.all !== null) {
      report.notReachedReason = 'Ignored: the record has an "all" mechanism (RFC 7208 6.1).';
      state.unreachedLookupTerms += 1;
    } else if (stopped !== null) {
      report.notReachedReason = stopped;
      state.unreachedLookupTerms += 1;
    } else if (term.kind === 'modifier') {
      report.reached = true;
      countLookup(state, node, report);
      const name = resolveTarget(state, node, { domainSpec: term.value, macroLetters: term.macroLetters }, report);
      if (name === null) {
        if (report.targetStatus === 'invalid-name') termError(node, report, 'invalid-target', `${report.notExpandable} A redirect to a malformed name is permerror (RFC 7208 6.1).`);
      } else {
        const child = await follow(state, node, report, name, 'redirect');
        if (state.passesEveryone.has(child)) state.passesEveryone.add(node);
      }
    }
  }
  if (stopQualifier === '+') state.passesEveryone.add(node);
  return finishNode(state, node);
}

function finishNode(state: WalkState, node: SpfNode): SpfNode {
  node.lookupsAtEnd = state.lookups;
  node.voidsAtEnd = { ...state.voids };
  return node;
}

/**
 * check_host() of a walked node for a sender that nothing but "all" matches, in evaluation
 * order (RFC 7208 4.6): the first error, limit or match decides. Global limits apply at the term
 * where the running count passes them.
 */
function evaluate(node: SpfNode, family: AddressFamily): SpfResult {
  const kinds = new Set(node.errors.filter((e) => e.termIndex === null || e.kind === 'syntax').map((e) => e.kind));
  if (kinds.has('invalid-domain') || (kinds.has('no-record') && node.via === 'root')) return 'none';
  if (kinds.has('loop') || kinds.has('safety-cap')) return 'permerror';
  if (kinds.has('invalid-target') && node.parsed === null) return 'permerror';
  if (kinds.has('dns-error')) return 'temperror';
  if (kinds.has('no-record')) return 'none';
  if (kinds.has('multiple-records') || kinds.has('syntax')) return 'permerror';
  const parsed = node.parsed;
  if (parsed === null) return 'none';

  const step = (report: SpfTermReport): SpfResult | null => {
    if (report.lookupNumber !== null && report.lookupNumber > SPF_LOOKUP_LIMIT) return 'permerror';
    if (report.dnsErrorFamilies.includes(family)) return 'temperror';
    if (report.voidsAfter !== null && report.voidsAfter[family] > SPF_VOID_LIMIT) return 'permerror';
    if (report.mxHosts !== null && report.mxHosts > SPF_MX_HOST_LIMIT) return 'permerror';
    if ((report.name === 'include' || report.name === 'redirect') && report.targetStatus === 'invalid-name') return 'permerror';
    return null;
  };

  for (const report of node.terms) {
    if (!report.reached || report.kind !== 'mechanism') continue;
    const early = step(report);
    if (early !== null) return early;
    if (report.name === 'all') return qualifierResult(report.qualifier ?? '+');
    if (report.name === 'include' && report.child !== null) {
      const inner = evaluate(node.children[report.child], family);
      if (inner === 'pass') return qualifierResult(report.qualifier ?? '+');
      if (inner === 'none' || inner === 'permerror') return 'permerror';
      if (inner === 'temperror') return 'temperror';
    }
  }
  if (parsed.redirect !== null) {
    const report = node.terms[parsed.redirect];
    if (report.reached) {
      const early = step(report);
      if (early !== null) return early;
      if (report.child !== null) {
        const inner = evaluate(node.children[report.child], family);
        return inner === 'none' ? 'permerror' : inner;
      }
    }
  }
  return 'neutral';
}

function assignResults(node: SpfNode): void {
  for (const child of node.children) assignResults(child);
  node.resultWhenNothingMatches = { ipv4: evaluate(node, 'ipv4'), ipv6: evaluate(node, 'ipv6') };
}

function severityOf(node: SpfNode, error: SpfNodeError): SpfProblem['severity'] {
  switch (error.kind) {
    case 'dns-error': return 'temperror';
    case 'safety-cap': return 'warning';
    case 'invalid-domain': return 'none';
    case 'no-record': return node.via === 'root' ? 'none' : 'permerror';
    default: return 'permerror';
  }
}

/** Problems in evaluation order: record-level errors, then each term, with include subtrees at their term and the redirect last. */
function collectProblems(state: WalkState, node: SpfNode, out: SpfProblem[]): void {
  const push = (p: Omit<SpfProblem, 'domain' | 'path' | 'termIndex' | 'term' | 'position'>, report: SpfTermReport | null, position?: number | null): void => {
    out.push({
      ...p, domain: node.domain, path: pathTo(node, report), termIndex: report ? report.index : null, term: report ? report.raw : null,
      position: position ?? (report ? report.position : null),
    });
  };
  for (const error of node.errors) {
    if (error.termIndex !== null && error.kind !== 'syntax') continue;
    const report = error.termIndex !== null ? node.terms[error.termIndex] ?? null : null;
    push({ severity: severityOf(node, error), kind: error.kind, message: error.message, families: BOTH }, report, error.position);
  }
  if (node.size?.overUdpLimit) {
    push({
      severity: 'warning', kind: 'udp-size', families: BOTH,
      message: `The TXT answer for ${node.domain} is about ${node.size.estimatedResponseBytes} octets, over ${DNS_UDP_LIMIT}: resolvers without EDNS get a truncated UDP answer and must retry over TCP (RFC 7208 3.4).`,
    }, null);
  }
  const redirect = node.parsed?.redirect ?? null;
  const ordered = [...node.terms.filter((t) => t.index !== redirect), ...node.terms.filter((t) => t.index === redirect)];
  for (const report of ordered) {
    for (const error of node.errors) {
      if (error.termIndex === report.index && error.kind !== 'syntax') {
        push({ severity: severityOf(node, error), kind: error.kind, message: error.message, families: error.kind === 'dns-error' ? report.dnsErrorFamilies : BOTH }, report);
      }
    }
    if (report.lookupNumber === SPF_LOOKUP_LIMIT + 1) {
      push({ severity: 'permerror', kind: 'lookup-limit', families: BOTH, message: `"${report.raw}" is lookup ${report.lookupNumber}; at most ${SPF_LOOKUP_LIMIT} terms may cause DNS lookups (RFC 7208 4.6.4).` }, report);
    }
    for (const family of BOTH) {
      const crossing = state.voidCrossing[family];
      if (crossing && JSON.stringify(crossing.path) === JSON.stringify(pathTo(node, report))) {
        push({ severity: 'permerror', kind: 'void-limit', families: [family], message: `"${report.raw}" makes void lookup ${crossing.count} for ${family === 'ipv4' ? 'IPv4' : 'IPv6'} senders; at most ${SPF_VOID_LIMIT} are allowed (RFC 7208 4.6.4).` }, report);
      }
    }
    if (report.mxHosts !== null && report.mxHosts > SPF_MX_HOST_LIMIT) {
      push({ severity: 'permerror', kind: 'mx-hosts', families: BOTH, message: `"${report.raw}" names ${report.mxHosts} MX hosts; at most ${SPF_MX_HOST_LIMIT} may be looked up (RFC 7208 4.6.4).` }, report);
    }
    if (report.targetStatus === 'invalid-name' && report.name !== 'include' && report.name !== 'redirect') {
      push({ severity: 'warning', kind: 'invalid-target-name', families: BOTH, message: `${report.notExpandable} The mechanism is treated as not matching.` }, report);
    }
    if (report.reached && report.notExpandable !== null && report.targetStatus !== 'invalid-name') {
      push({ severity: 'warning', kind: report.name === 'ptr' ? 'ptr' : 'not-expandable', families: BOTH, message: report.notExpandable }, report);
    }
    if (report.child !== null) collectProblems(state, node.children[report.child], out);
  }
}

/**
 * Walks the SPF policy of `domain`: fetches and parses its record, expands include and redirect
 * targets depth-first in evaluation order, and counts lookups, void lookups and MX hosts as
 * RFC 7208 4.6.4 does, attributing each to the term that caused it.
 */
export async function walkSpf(domain: string, resolver: DnsResolver, options: WalkSpfOptions = {}): Promise<SpfTree> {
  const rootDomain = normalizeName(domain);
  const state: WalkState = {
    resolver,
    prefetch: options.prefetch ?? false,
    maxDepth: options.maxDepth ?? 20,
    maxNodes: options.maxNodes ?? 200,
    rootDomain,
    lookups: 0,
    voids: { ipv4: 0, ipv6: 0 },
    nodes: 0,
    maxDepthSeen: 0,
    truncated: false,
    lookupCrossing: null,
    voidCrossing: { ipv4: null, ipv6: null },
    maxMxHosts: null,
    unreachedLookupTerms: 0,
    notExpandableTerms: 0,
    passesEveryone: new WeakSet(),
    namesOnPath: new WeakMap(),
  };
  const root = await walkNode(state, rootDomain, 'root', null, [], 0, null);
  assignResults(root);
  const problems: SpfProblem[] = [];
  collectProblems(state, root, problems);

  const udpTruncationRisk: { domain: string; estimatedResponseBytes: number }[] = [];
  const visit = (node: SpfNode): void => {
    if (node.size?.overUdpLimit) udpTruncationRisk.push({ domain: node.domain, estimatedResponseBytes: node.size.estimatedResponseBytes });
    node.children.forEach(visit);
  };
  visit(root);

  const result: SpfFamilyResult = root.resultWhenNothingMatches;
  return {
    domain: rootDomain,
    root,
    totals: {
      lookups: state.lookups,
      lookupLimit: SPF_LOOKUP_LIMIT,
      lookupLimitCrossing: state.lookupCrossing,
      voidLookups: { ...state.voids },
      voidLimit: SPF_VOID_LIMIT,
      voidLimitCrossing: state.voidCrossing,
      maxMxHosts: state.maxMxHosts,
      mxHostLimit: SPF_MX_HOST_LIMIT,
      unreachedLookupTerms: state.unreachedLookupTerms,
      notExpandableTerms: state.notExpandableTerms,
      nodes: state.nodes,
      maxDepth: state.maxDepthSeen,
      truncated: state.truncated,
      recordBytes: root.size?.recordBytes ?? null,
      udpTruncationRisk,
      resultWhenNothingMatches: result,
      problems,
    },
  };
}
