// DMARC policy record parser: RFC 7489 sections 6.3 (tags) and 6.4 (formal definition), with the
// differences of DMARCbis, published as RFC 9989 (sections 4.7 tags, 4.8 formal definition,
// 4.10.1 policy discovery), noted where they change how a record is read. Pure: no DNS.
// The record is judged later by checks; this module only reports what the RFCs say about syntax.
//
// The report-URI rules live here too because TLS-RPT (RFC 8460 section 3) defines its rua list
// "as with DMARC"; BIMI reuses the domain-name rule.

import {
  leadingSpec, makeIssue, show, splitColonList, splitCommaList, splitTagList,
  type ParseIssue, type TagList,
} from './tag-list.ts';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';
export type DmarcAlignment = 'r' | 's';

/** One reporting URI from a rua/ruf (DMARC) or rua (TLS-RPT) list. */
export interface ReportUri {
  /** The list item as written, including any DMARC size suffix. */
  raw: string;
  /** The URI without the size suffix. */
  uri: string;
  /** Lower-cased scheme, or null when the item has none. */
  scheme: string | null;
  /** mailto: the percent-decoded addr-spec. */
  address?: string;
  /** mailto: the address's domain; http(s): the host. Lower-cased. */
  domain?: string;
  /** RFC 7489 6.2 size limit ("!10m"); units are powers of two. */
  maxSize?: { raw: string; bytes: number };
  valid: boolean;
  /** Why the item is not a usable URI (one sentence). */
  error?: string;
}

export type DmarcUri = ReportUri;

export interface DmarcRecord {
  /** The record opens with v=DMARC1 (RFC 7489 6.3); otherwise receivers ignore it entirely. */
  isDmarc: boolean;
  /** Raw tag values, first occurrence, keyed by lower-cased tag name. */
  tags: Record<string, string>;
  version: string | null;
  /** Each field is null when the tag is absent or its value is invalid; see DMARC_DEFAULTS. */
  p: DmarcPolicy | null;
  sp: DmarcPolicy | null;
  /** Non-existent subdomain policy: RFC 9091, standardised by RFC 9989 4.7. */
  np: DmarcPolicy | null;
  pct: number | null;
  adkim: DmarcAlignment | null;
  aspf: DmarcAlignment | null;
  fo: string[] | null;
  rf: string[] | null;
  ri: number | null;
  rua: DmarcUri[];
  ruf: DmarcUri[];
  /** RFC 9989 4.7 test mode. */
  t: 'y' | 'n' | null;
  /** RFC 9989 4.7 public-suffix-domain flag. */
  psd: 'y' | 'n' | 'u' | null;
  issues: ParseIssue[];
}

/** What an absent tag means (RFC 7489 6.3; t and psd from RFC 9989 4.7). */
export const DMARC_DEFAULTS = {
  adkim: 'r',
  aspf: 'r',
  fo: ['0'],
  rf: ['afrf'],
  ri: 86400,
  pct: 100,
  t: 'n',
  psd: 'u',
} as const;

// RFC 7489 section 11.4 registry, plus np (RFC 9091) and t, psd (RFC 9989 4.7).
const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'pct', 'adkim', 'aspf', 'fo', 'rf', 'ri', 'rua', 'ruf', 't', 'psd']);
const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
const UINT32_MAX = 4294967295;
const UINT64_MAX = (1n << 64n) - 1n;
const SIZE_UNITS: Record<string, bigint> = { '': 1n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n };

/**
 * RFC 5321 Domain (sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]) as a fully
 * qualified name: at least two labels, each at most 63 octets, 253 in all, and not an IPv4 address.
 */
export function isDomainName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

// RFC 3986 section 2: unreserved, reserved and "%" (pct-encoded is checked separately).
const URI_CHAR = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]$/;

/**
 * Parse one reporting URI. RFC 7489 6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ],
 * commas and exclamation points inside the URI MUST be percent-encoded, and the number must fit in
 * an unsigned 64-bit integer. RFC 8460 3 (TLS-RPT) has no size suffix and forbids a raw "!" as well.
 */
export function parseReportUri(raw: string, options: { sizeSuffix: boolean }): ReportUri {
  const result: ReportUri = { raw, uri: raw, scheme: null, valid: false };
  const fail = (error: string): ReportUri => ({ ...result, error });

  if (raw === '') return fail('The list has an empty entry where a URI was expected.');

  if (options.sizeSuffix) {
    const bang = raw.lastIndexOf('!');
    if (bang !== -1) {
      const suffix = raw.slice(bang + 1);
      const match = /^([0-9]+)([kmgtKMGT]?)$/.exec(suffix);
      if (!match) {
        return fail(`The size limit ${show('!' + suffix)} in ${show(raw)} is not digits with an optional k, m, g or t unit.`);
      }
      const bytes = BigInt(match[1]!) * SIZE_UNITS[match[2]!.toLowerCase()]!;
      if (BigInt(match[1]!) > UINT64_MAX) {
        return fail(`The size limit ${show('!' + suffix)} in ${show(raw)} does not fit in an unsigned 64-bit integer.`);
      }
      result.uri = raw.slice(0, bang);
      result.maxSize = { raw: suffix, bytes: Number(bytes) };
    }
  }
  const uri = result.uri;

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  if (!schemeMatch) return fail(`${show(uri)} does not start with a URI scheme such as "mailto:".`);
  result.scheme = schemeMatch[1]!.toLowerCase();

  for (let i = 0; i < uri.length; i++) {
    const ch = uri[i]!;
    if (!URI_CHAR.test(ch)) {
      return fail(`${show(uri)} contains ${show(ch)}, which is not allowed in a URI unless percent-encoded (RFC 3986).`);
    }
    if (ch === '!') {
      return fail(`${show(uri)} contains an unencoded "!", which must be written %21 in a reporting URI.`);
    }
    if (ch === '%' && !/^%[0-9A-Fa-f]{2}/.test(uri.slice(i))) {
      return fail(`${show(uri)} has a "%" that is not followed by two hexadecimal digits.`);
    }
  }

  const rest = uri.slice(schemeMatch[0].length);
  if (result.scheme === 'mailto') {
    // RFC 6068: mailto:addr-spec[?hfields], percent-encoded.
    const to = rest.split('?')[0]!;
    let address: string;
    try {
      address = decodeURIComponent(to);
    } catch {
      return fail(`${show(uri)} has percent-encoding that does not decode to text.`);
    }
    if (address.includes(',')) {
      return fail(`${show(uri)} names several addresses in one mailto URI; list them as separate URIs instead.`);
    }
    const at = address.lastIndexOf('@');
    const local = at === -1 ? '' : address.slice(0, at);
    const domain = at === -1 ? '' : address.slice(at + 1);
    if (at <= 0 || /[\s\x00-\x1f\x7f]/.test(local)) {
      return fail(`${show(uri)} does not contain a mailbox of the form local-part@domain.`);
    }
    result.address = address;
    result.domain = domain.toLowerCase();
    if (!isDomainName(domain)) {
      return fail(`The address ${show(address)} in ${show(uri)} does not end in a fully qualified domain name.`);
    }
  } else if (result.scheme === 'https' || result.scheme === 'http') {
    let host: string;
    try {
      host = new URL(uri).hostname;
    } catch {
      return fail(`${show(uri)} is not a well-formed ${result.scheme} URL.`);
    }
    result.domain = host.toLowerCase();
    if (!isDomainName(host)) {
      return fail(`The host ${show(host)} in ${show(uri)} is not a fully qualified domain name.`);
    }
  } else if (rest === '') {
    return fail(`${show(uri)} has a scheme but nothing after it.`);
  }

  result.valid = true;
  return result;
}

// RFC 9989 4.8 (and RFC 7489 6.4): dmarc-record = dmarc-version ..., so the record starts with
// the "v" itself: "v" equals %s"DMARC1", equals = *WSP "=" *WSP. Nothing may precede it, not even
// whitespace (the DKIM tag-spec's leading [FWS] is not part of DMARC's own grammar).
const TAG_LIST_OPTIONS = {
  caseInsensitiveNames: true,
  // RFC 9989 4.8: "Syntax errors in the remainder of the record MUST be discarded in favor of
  // default values (if any) or ignored outright": a junk entry does not invalidate the record.
  malformedSeverity: 'warn',
} as const;

/** RFC 7489 6.6.3 step 5 / RFC 9989 4.10 step 2: records that do not start with v=DMARC1 are discarded. */
export function isDmarcRecord(txt: string): boolean {
  const list = splitTagList(txt, TAG_LIST_OPTIONS);
  const first = list.specs[0];
  return first !== undefined && first.offset === 0 && first.key === 'v' && first.value === 'DMARC1';
}

export function parseDmarc(txt: string): DmarcRecord {
  // RFC 7489 6.4 writes tag names as ABNF quoted strings, which RFC 5234 2.3 makes
  // case-insensitive; RFC 9989 4.8 does the same. Names are looked up lower-cased.
  const list: TagList = splitTagList(txt, TAG_LIST_OPTIONS);
  const { tags } = list;
  const issues: ParseIssue[] = [...list.issues];
  const has = (key: string): boolean => Object.hasOwn(tags, key);

  const record: DmarcRecord = {
    isDmarc: false, tags, version: has('v') ? tags.v! : null,
    p: null, sp: null, np: null, pct: null, adkim: null, aspf: null, fo: null, rf: null, ri: null,
    rua: [], ruf: [], t: null, psd: null, issues,
  };

  // RFC 7489 6.3 "v": MUST be "DMARC1", matched precisely (the ABNF spells it %x44 %x4d ..., so
  // case matters; RFC 9989 4.7 says "case sensitive" outright), and MUST be the first tag;
  // otherwise the entire record MUST be ignored.
  const first = leadingSpec(txt, list);
  if (first !== null && first.key === 'v' && first.offset > 0) {
    issues.push(makeIssue('dmarc-leading-whitespace', 'fail',
      `The record starts with whitespace before v=${show(first.value)}, but it must start with "v=DMARC1" itself (RFC 9989 4.8), so receivers discard it.`, 'v'));
  } else if (first !== null && first.key === 'v') {
    if (first.value === 'DMARC1') {
      record.isDmarc = true;
    } else {
      const hint = first.value.toUpperCase() === 'DMARC1' ? ' (the version is case-sensitive)'
        : /^DMARC1[ \t]/.test(first.value) ? ' (a ";" is missing after DMARC1)' : '';
      issues.push(makeIssue('dmarc-version-invalid', 'fail',
        `v=${show(first.value)} is not exactly "DMARC1"${hint}, so receivers ignore the whole record.`, 'v'));
    }
  } else if (has('v')) {
    issues.push(makeIssue('dmarc-version-not-first', 'fail',
      `The record starts with ${show(txt.trim().slice(0, 20))} instead of v=DMARC1, and v must be the first tag, so receivers ignore the whole record.`, 'v'));
  } else {
    issues.push(makeIssue('dmarc-version-missing', 'fail',
      `The record ${show(txt.trim().slice(0, 40))} has no v=DMARC1 tag, so it is not a DMARC record.`));
  }

  for (const spec of list.specs) {
    if (spec.name !== spec.key && KNOWN_TAGS.has(spec.key)) {
      issues.push(makeIssue('dmarc-tag-name-case', 'warn',
        `The tag name ${show(spec.name)} is not lower-case; DMARC's grammar accepts it, but receivers that read tags as DKIM does (RFC 6376 3.2, case-sensitive) will not recognise it.`, spec.key));
    }
  }

  // RFC 7489 6.3 / RFC 9989 4.7: "unknown tags MUST be ignored". Reported because a typo
  // (say "rue=") silently loses the setting.
  for (const key of Object.keys(tags)) {
    if (!KNOWN_TAGS.has(key)) {
      issues.push(makeIssue('dmarc-tag-unknown', 'warn',
        `The tag ${show(key)} (value ${show(tags[key]!)}) is not a registered DMARC tag, so receivers ignore it.`, key));
    }
  }

  // RFC 9989 4.7 and Appendix C.5.2 remove pct, rf and ri; RFC 7489 receivers still read them.
  for (const key of ['pct', 'rf', 'ri']) {
    if (has(key)) {
      issues.push(makeIssue('dmarc-tag-obsolete', 'info',
        `${key}=${show(tags[key]!)} is defined by RFC 7489 but removed by RFC 9989, so newer receivers ignore it.`, key));
    }
  }

  // RFC 7489 6.4: p is the tag right after v ("components other than dmarc-version and
  // dmarc-request may appear in any order"); RFC 9989 4.8 lets tags come in any order.
  if (has('p') && record.isDmarc && list.specs[1]?.key !== 'p') {
    issues.push(makeIssue('dmarc-p-not-second', 'info',
      `p=${show(tags.p!)} is not the tag right after v=DMARC1, which RFC 7489's grammar requires and RFC 9989 no longer does.`, 'p'));
  }

  // RFC 7489 6.3 p/sp and RFC 9989 4.7 np: one of none, quarantine, reject. Quoted ABNF
  // strings, so the value is case-insensitive (RFC 5234 2.3).
  const readPolicy = (key: 'p' | 'sp' | 'np'): 'absent' | 'valid' | 'invalid' => {
    if (!has(key)) return 'absent';
    const value = tags[key]!.toLowerCase();
    if (POLICIES.includes(value)) {
      record[key] = value as DmarcPolicy;
      return 'valid';
    }
    // Not the verdict by itself: RFC 9989 4.10.1 decides below whether the record still applies.
    issues.push(makeIssue(`dmarc-${key}-invalid`, 'warn',
      `${key}=${show(tags[key]!)} is not one of none, quarantine or reject.`, key));
    return 'invalid';
  };
  const pState = readPolicy('p');
  const spState = readPolicy('sp');
  const npState = readPolicy('np');
  if (pState === 'absent' && record.isDmarc) {
    // RFC 7489 6.3: p is REQUIRED for policy records. RFC 9989 4.7 makes it RECOMMENDED; what a
    // record without it means is decided below (RFC 9989 4.10.1).
    issues.push(makeIssue('dmarc-p-missing', 'warn',
      'The record has no p= tag, which RFC 9989 4.7 recommends and RFC 7489 6.3 requires.', 'p'));
  }

  // RFC 7489 6.3 pct: integer 0-100 (ABNF 1*3DIGIT).
  if (has('pct')) {
    const value = tags.pct!;
    if (/^[0-9]{1,3}$/.test(value) && Number(value) <= 100) {
      record.pct = Number(value);
    } else {
      issues.push(makeIssue('dmarc-pct-invalid', 'warn',
        `pct=${show(value)} is not an integer from 0 to 100, so receivers use the default of 100.`, 'pct'));
    }
  }

  // RFC 7489 6.3 adkim/aspf: r (relaxed, default) or s (strict).
  for (const key of ['adkim', 'aspf'] as const) {
    if (!has(key)) continue;
    const value = tags[key]!.toLowerCase();
    if (value === 'r' || value === 's') {
      record[key] = value;
    } else {
      issues.push(makeIssue(`dmarc-${key}-invalid`, 'warn',
        `${key}=${show(tags[key]!)} is not r or s, so receivers use relaxed alignment.`, key));
    }
  }

  // RFC 9989 4.7 t (y/n) and psd (y/n/u); syntax errors fall back to defaults (RFC 9989 4.8).
  if (has('t')) {
    const value = tags.t!.toLowerCase();
    if (value === 'y' || value === 'n') record.t = value;
    else issues.push(makeIssue('dmarc-t-invalid', 'warn', `t=${show(tags.t!)} is not y or n, so receivers use the default n.`, 't'));
  }
  if (has('psd')) {
    const value = tags.psd!.toLowerCase();
    if (value === 'y' || value === 'n' || value === 'u') record.psd = value;
    else issues.push(makeIssue('dmarc-psd-invalid', 'warn', `psd=${show(tags.psd!)} is not y, n or u, so receivers use the default u.`, 'psd'));
  }

  // RFC 7489 6.3 ri: a 32-bit unsigned integer (ABNF 1*DIGIT).
  if (has('ri')) {
    const value = tags.ri!;
    if (/^[0-9]+$/.test(value) && Number(value) <= UINT32_MAX) {
      record.ri = Number(value);
    } else {
      issues.push(makeIssue('dmarc-ri-invalid', 'warn',
        `ri=${show(value)} is not an unsigned 32-bit integer, so receivers use the default of 86400 seconds.`, 'ri'));
    }
  }

  // RFC 7489 6.3/6.4 fo: colon-separated list of 0, 1, d, s. RFC 9989 4.8 adds that 0 and 1
  // are mutually exclusive and each value appears at most once.
  if (has('fo')) {
    const items = splitColonList(tags.fo!).map((item) => item.toLowerCase());
    const bad = items.filter((item) => !['0', '1', 'd', 's'].includes(item));
    if (bad.length > 0) {
      issues.push(makeIssue('dmarc-fo-invalid', 'warn',
        `fo=${show(tags.fo!)} contains ${bad.map(show).join(', ')}, which is not one of 0, 1, d or s, so receivers use the default fo=0.`, 'fo'));
    } else {
      record.fo = items;
      // RFC 9989 4.8 dmarc-fo matches neither, so RFC 9989 receivers discard the value for the
      // default fo=0 (4.8); RFC 7489 6.4 accepted both.
      if (new Set(items).size !== items.length || (items.includes('0') && items.includes('1'))) {
        issues.push(makeIssue('dmarc-fo-redundant', 'warn',
          `fo=${show(tags.fo!)} repeats a value or combines 0 with 1, which RFC 9989 4.8 does not allow, so RFC 9989 receivers use the default fo=0.`, 'fo'));
      }
    }
    // RFC 7489 6.3: fo's content MUST be ignored if a ruf tag is not also specified.
    if (!has('ruf')) {
      issues.push(makeIssue('dmarc-fo-without-ruf', 'info',
        `fo=${show(tags.fo!)} has no effect because the record has no ruf= tag.`, 'fo'));
    }
  }

  // RFC 7489 6.3 rf: colon-separated report formats; only "afrf" is registered (section 11.5).
  // iodef appeared in drafts and was never registered.
  if (has('rf')) {
    const items = splitColonList(tags.rf!).map((item) => item.toLowerCase());
    record.rf = items;
    for (const item of items) {
      if (item === 'afrf') continue;
      if (item === 'iodef') {
        issues.push(makeIssue('dmarc-rf-iodef', 'warn',
          `rf=${show(tags.rf!)} asks for iodef failure reports, a format that was never registered; receivers send afrf or nothing.`, 'rf'));
      } else {
        issues.push(makeIssue('dmarc-rf-unknown', 'warn',
          `rf=${show(tags.rf!)} contains the report format ${show(item)}, which is not registered (only afrf is).`, 'rf'));
      }
    }
  }

  // RFC 7489 6.3/6.4 rua, ruf: comma-separated dmarc-uri list. A receiver MUST support mailto
  // and may ignore other schemes. RFC 9989 4.8 makes the "!size" suffix obsolete syntax.
  for (const key of ['rua', 'ruf'] as const) {
    if (!has(key)) continue;
    if (tags[key] === '') {
      issues.push(makeIssue(`dmarc-${key}-empty`, 'warn', `${key}= is present but lists no URI.`, key));
      continue;
    }
    for (const item of splitCommaList(tags[key]!)) {
      const uri = parseReportUri(item, { sizeSuffix: true });
      record[key].push(uri);
      if (!uri.valid) {
        // RFC 9989 4.8: a syntax error outside v is ignored; the rest of the record still applies.
        issues.push(makeIssue('dmarc-uri-invalid', 'warn', `In ${key}=, ${uri.error!} Receivers ignore it.`, key));
        continue;
      }
      if (uri.scheme !== 'mailto') {
        issues.push(makeIssue('dmarc-uri-scheme-unsupported', 'warn',
          `${key} URI ${show(uri.uri)} uses the ${uri.scheme} scheme; receivers are only required to support mailto and may ignore it.`, key));
      }
      if (uri.maxSize) {
        issues.push(makeIssue('dmarc-uri-size-obsolete', 'info',
          `${key} URI ${show(uri.raw)} carries a size limit, which RFC 9989 makes obsolete and tells reporters to ignore.`, key));
      }
    }
  }

  // RFC 9989 4.10.1 (RFC 7489 6.6.3 step 6, without np): a record without a valid p, or with an
  // invalid sp or np, is read as p=none when rua has at least one syntactically valid URI, which
  // is a warning; otherwise the receiver applies no DMARC processing at all: the record is as
  // good as discarded, the one failing outcome here besides a wrong "v" and a repeated tag.
  if (record.isDmarc && (pState !== 'valid' || spState === 'invalid' || npState === 'invalid')) {
    const what = [
      pState === 'absent' ? 'has no p= tag' : pState === 'invalid' ? `has an invalid p=${show(tags.p!)}` : null,
      spState === 'invalid' ? `has an invalid sp=${show(tags.sp!)}` : null,
      npState === 'invalid' ? `has an invalid np=${show(tags.np!)}` : null,
    ].filter((part) => part !== null).join(' and ');
    if (record.rua.some((uri) => uri.valid)) {
      issues.push(makeIssue('dmarc-policy-fallback-none', 'warn',
        `Because the record ${what} but rua has a valid URI, receivers act as if the whole record said p=none.`, 'p'));
    } else {
      const bis = pState === 'absent' && spState !== 'invalid' && npState !== 'invalid'
        ? ' (RFC 9989 receivers read a missing p as p=none)' : '';
      issues.push(makeIssue('dmarc-policy-not-applied', 'fail',
        `Because the record ${what} and rua has no valid URI, receivers apply no DMARC processing${bis}.`, 'p'));
    }
  }

  return record;
}
