// The SPF engine's vocabulary (RFC 7208). Everything here is plain JSON-serializable data, so
// a parse result or a whole walked tree can be stored in a report, diffed, or rendered as an
// indented tree with the lookup counts next to every term.

import type { DnsAnswer, DnsErrorCode, RRType } from '../net/dns/types.ts';

export type SpfQualifier = '+' | '-' | '~' | '?';

export type SpfMechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

/** Where a piece of a macro-string sits: the target of a mechanism/modifier, or explanation text (RFC 7208 7.1). */
export type MacroContext = 'domain-spec' | 'explain-string';

/** One piece of a macro-string (RFC 7208 7.1). */
export type MacroToken =
  | { kind: 'literal'; text: string; offset: number }
  /** "%%" -> "%", "%_" -> " ", "%-" -> "%20" */
  | { kind: 'escape'; text: '%%' | '%_' | '%-'; offset: number }
  | {
      kind: 'macro';
      text: string;            // the whole "%{...}" as written
      offset: number;          // offset of the "%" inside the macro-string
      letter: string;          // lower case macro letter
      urlEscape: boolean;      // the letter was written upper case (RFC 7208 7.3)
      digits: number | null;   // keep this many right-hand parts
      reverse: boolean;        // the "r" transformer
      delimiters: string;      // split characters; "" means the default "."
    };

export interface MacroSyntaxError { offset: number; message: string }

export interface MacroStringParse {
  tokens: MacroToken[];
  /** Distinct macro letters used, lower case, in order of first use. */
  letters: string[];
  errors: MacroSyntaxError[];
}

/** A syntax error in a record: where it is, which term, and one sentence saying what is wrong. */
export interface SpfSyntaxError {
  position: number;   // character offset in the record (0-based)
  term: string;       // the raw term ('' for record-level errors)
  termIndex: number | null;
  message: string;
}

/** Something worth telling the user that does not make the record invalid. */
export interface SpfNote {
  position: number;
  term: string;
  termIndex: number | null;
  message: string;
}

interface SpfTermBase {
  index: number;      // position in ParsedSpf.terms
  raw: string;        // the term exactly as written
  position: number;   // character offset of the term in the record
}

export interface SpfMechanismTerm extends SpfTermBase {
  kind: 'mechanism';
  mechanism: SpfMechanismName;
  qualifier: SpfQualifier;
  qualifierExplicit: boolean;
  /** Target as written (include, a, mx, ptr, exists); null when absent (a, mx, ptr then use the current domain). */
  domainSpec: string | null;
  /** Macro letters used in domainSpec, lower case. */
  macroLetters: string[];
  /** ip4 / ip6 network as written. */
  network: string | null;
  /** CIDR prefix lengths as written; null when absent. */
  cidr4: number | null;
  cidr6: number | null;
  /** One of the terms RFC 7208 4.6.4 limits to 10: include, a, mx, ptr, exists. */
  countsLookup: boolean;
}

export interface SpfModifierTerm extends SpfTermBase {
  kind: 'modifier';
  name: string;       // lower case
  value: string;
  /** redirect or exp; other names are unknown modifiers, ignored (RFC 7208 6). */
  known: boolean;
  macroLetters: string[];
  /** Only redirect counts toward the 10-lookup limit (RFC 7208 4.6.4). */
  countsLookup: boolean;
}

/** A term that could not be parsed; its error is in ParsedSpf.errors. */
export interface SpfInvalidTerm extends SpfTermBase {
  kind: 'invalid';
}

export type SpfTerm = SpfMechanismTerm | SpfModifierTerm | SpfInvalidTerm;

export interface ParsedSpf {
  record: string;
  /** The version term as written ("v=spf1", any case); '' when the text is not an SPF record. */
  version: string;
  valid: boolean;
  terms: SpfTerm[];
  errors: SpfSyntaxError[];
  notes: SpfNote[];
  /** Index in terms of the redirect / exp modifier (the first one when duplicated), or null. */
  redirect: number | null;
  exp: number | null;
  /** Index in terms of the first "all" mechanism, or null. */
  all: number | null;
  /** Number of terms in the record that count toward the 10-lookup limit (reachable or not). */
  lookupTerms: number;
}

// ---------------------------------------------------------------------------------------------
// The walked tree

export type AddressFamily = 'ipv4' | 'ipv6';

export interface SpfVoidCount { ipv4: number; ipv6: number }

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

/** The check_host() result for a sender that no ip4/ip6/a/mx/ptr/exists term matches, per client address family. */
export interface SpfFamilyResult { ipv4: SpfResult; ipv6: SpfResult }

/** One step of a branch: the domain, and the term in it that leads to the next step (or the term of interest on the last step). */
export interface SpfPathStep {
  domain: string;
  termIndex: number | null;
  term: string | null;
}

/** Where a running count first went over its limit. */
export interface SpfLimitCrossing {
  count: number;            // the value that crossed (11 for lookups, 3 for void lookups)
  limit: number;
  domain: string;           // the record holding the crossing term
  termIndex: number;
  term: string;
  position: number;
  path: SpfPathStep[];      // root first; the last step names the crossing term
}

/** One DNS question the walker asked, with its outcome. */
export interface SpfQuery {
  name: string;
  type: RRType;
  outcome: DnsAnswer['outcome'];
  error: DnsErrorCode | null;
  /** Answer records rendered as text (addresses, "10 mx.example.com", joined TXT strings, targets). */
  answers: string[];
  cnames: string[];
}

/** An NXDOMAIN or NODATA answer to a query an SPF term made (RFC 7208 4.6.4). */
export interface SpfVoidLookup {
  domain: string;           // the record holding the term
  termIndex: number;
  term: string;
  position: number;
  name: string;
  type: RRType;
  outcome: 'nxdomain' | 'nodata';
  /** The client address families for which a real evaluation makes this query (a: A for IPv4, AAAA for IPv6). */
  families: AddressFamily[];
}

export type SpfTargetStatus =
  | 'none'            // the term has no target (all, ip4, ip6, unknown modifiers, invalid terms)
  | 'literal'         // a target without macros
  | 'current-domain'  // a, mx, ptr without a domain-spec: the domain being evaluated
  | 'macro-expanded'  // macros that are known at audit time (%{d}, %{o}) were expanded
  | 'not-expandable'  // the target depends on the sender (IP, HELO, local-part); see notExpandable
  | 'invalid-name';   // the (expanded) target is not a usable DNS name

export interface SpfTermReport {
  index: number;
  raw: string;
  position: number;
  kind: SpfTerm['kind'];
  /** Mechanism or modifier name, lower case; '' for an invalid term. */
  name: string;
  qualifier: SpfQualifier | null;
  /** True when this term was reached and is one of the RFC 7208 4.6.4 lookup terms. */
  countsLookup: boolean;
  /** Running lookup total including this term (depth-first, evaluation order); null when it does not count. */
  lookupNumber: number | null;
  /** Whether evaluation reaches this term for a sender that no earlier term matches. */
  reached: boolean;
  notReachedReason: string | null;
  target: string | null;
  targetStatus: SpfTargetStatus;
  /** Why the target, or the DNS data the term needs, cannot be known at audit time. */
  notExpandable: string | null;
  queries: SpfQuery[];
  voidLookups: SpfVoidLookup[];
  /** Running void totals after this term; null for terms that make no query. */
  voidsAfter: SpfVoidCount | null;
  /** mx: number of MX records naming a host (a null MX names none); RFC 7208 4.6.4 allows 10. */
  mxHosts: number | null;
  mxHostNames: string[];
  /** The address families for which a query of this term failed with a DNS error (temperror). */
  dnsErrorFamilies: AddressFamily[];
  /** include / redirect: index of the walked target in SpfNode.children. */
  child: number | null;
}

export type SpfNodeErrorKind =
  | 'syntax'
  | 'multiple-records'
  | 'no-record'
  | 'invalid-domain'
  | 'invalid-target'
  | 'loop'
  | 'dns-error'
  | 'safety-cap';

export interface SpfNodeError {
  kind: SpfNodeErrorKind;
  message: string;
  termIndex: number | null;
  term: string | null;
  position: number | null;
}

/** Sizes of the TXT answer at a node (RFC 7208 3.4: keep the answer within 512 octets for UDP). */
export interface SpfRecordSize {
  /** Octets of the chosen SPF record (strings joined). */
  recordBytes: number | null;
  /** Octets of all TXT RDATA at the name (each character-string plus its length octet). */
  txtRdataBytes: number;
  /** Estimated size of the DNS response to the TXT query without EDNS: header, question, answers with compressed names. */
  estimatedResponseBytes: number;
  /** The response exceeds 512 octets, so a resolver without EDNS gets a truncated UDP answer and must retry over TCP. */
  overUdpLimit: boolean;
}

export interface SpfNode {
  domain: string;
  via: 'root' | 'include' | 'redirect';
  /** The include / redirect term in the parent that leads here. */
  viaTerm: string | null;
  depth: number;
  /** Root first; every step names the term leading to the next one; the last step is this node (term null). */
  path: SpfPathStep[];
  /** Outcome of the TXT query; null when no query was made (loop, invalid name, safety cap). */
  txtQuery: SpfQuery | null;
  /** Every TXT record at the name, character-strings joined without separator (RFC 7208 3.3). */
  txtRecords: string[];
  /** The TXT records that are SPF records (RFC 7208 4.5). */
  spfRecords: string[];
  /** The record evaluated; null when there is none or several. */
  record: string | null;
  parsed: ParsedSpf | null;
  terms: SpfTermReport[];
  /** Lookup-counting terms of this record that are reached. */
  lookups: number;
  /** Running total before this record's first term / after its last term and all of its subtree. */
  lookupsAtStart: number;
  lookupsAtEnd: number;
  /** Void lookups caused by this record's own terms (including the TXT of its include/redirect targets). */
  voidLookups: SpfVoidLookup[];
  voidsAtStart: SpfVoidCount;
  voidsAtEnd: SpfVoidCount;
  children: SpfNode[];
  errors: SpfNodeError[];
  size: SpfRecordSize | null;
  /** check_host() of this record for a sender nothing matches, including the global limits at the point each term is reached. */
  resultWhenNothingMatches: SpfFamilyResult;
}

export type SpfProblemSeverity = 'permerror' | 'temperror' | 'none' | 'warning';

export type SpfProblemKind =
  | SpfNodeErrorKind
  | 'lookup-limit'
  | 'void-limit'
  | 'mx-hosts'
  | 'invalid-target-name'
  | 'not-expandable'
  | 'ptr'
  | 'udp-size';

export interface SpfProblem {
  severity: SpfProblemSeverity;
  kind: SpfProblemKind;
  domain: string;
  path: SpfPathStep[];
  termIndex: number | null;
  term: string | null;
  position: number | null;
  message: string;
  /** Client address families affected. */
  families: AddressFamily[];
}

export interface SpfTotals {
  /** Lookup-counting terms reached in the whole tree (RFC 7208 4.6.4), duplicates included. */
  lookups: number;
  lookupLimit: number;
  lookupLimitCrossing: SpfLimitCrossing | null;
  voidLookups: SpfVoidCount;
  voidLimit: number;
  voidLimitCrossing: { ipv4: SpfLimitCrossing | null; ipv6: SpfLimitCrossing | null };
  /** Largest MX host count of any mx term; null when no mx term got an MX answer. */
  maxMxHosts: number | null;
  mxHostLimit: number;
  /** Lookup terms that are never evaluated (after "all", after an include that passes every sender, ignored redirect). */
  unreachedLookupTerms: number;
  /** Reached terms whose target or DNS data depends on the sender (still counted). */
  notExpandableTerms: number;
  nodes: number;
  maxDepth: number;
  /** The walk hit the depth or node safety cap somewhere. */
  truncated: boolean;
  /** Octets of the root's SPF record; null without one. */
  recordBytes: number | null;
  /** Nodes whose TXT answer is over 512 octets. */
  udpTruncationRisk: { domain: string; estimatedResponseBytes: number }[];
  resultWhenNothingMatches: SpfFamilyResult;
  /** Everything that affects the result or deserves attention, in evaluation order. */
  problems: SpfProblem[];
}

export interface SpfTree {
  domain: string;
  root: SpfNode;
  totals: SpfTotals;
}

export interface WalkSpfOptions {
  /** Depth at which the walk stops expanding (safety cap, default 20). */
  maxDepth?: number;
  /** Number of nodes after which the walk stops expanding (safety cap, default 200). */
  maxNodes?: number;
  /**
   * Ask a record's literal targets all at once, before walking its terms in order (default
   * false). Only for a resolver that caches answers and joins identical questions in flight:
   * the walk then finds them answered instead of waiting for each in turn.
   */
  prefetch?: boolean;
}
