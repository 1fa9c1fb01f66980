// BIMI Assertion Record parser, the TXT record at <selector>._bimi.<domain>, per
// draft-brand-indicators-for-message-identification-12 (section 4.3, with 4.3.1 declination,
// 4.3.2 image formats and 4.5 local-part selectors). Pure: no DNS, no HTTPS. The record follows
// the DKIM tag-value syntax, and "Mail receivers MUST NOT attempt to fix syntactical or
// capitalization errors" (4.3), so tag names and values are case-sensitive.
//
//   bimi-record = bimi-version (bimi-sep bimi-location) [(bimi-sep bimi-evidence-location)]
//                 [(local-part-selector)] [(bimi-sep bimi-logo-preference)] [bimi-sep]
//   bimi-version = "v" *WSP "=" *WSP "BIMI1"
//   bimi-sep = *WSP ";" *WSP
//   local-part-selector = "lps" *WSP "=" *WSP *1local-part-prefix-list
//   local-part-prefix-list = local-part-prefix *[ *WSP ',' *WSP local-part-prefix ]
//   local-part-prefix = 1*63local-part-text
//   local-part-text = ALPHA / DIGIT / '-'

import { isDomainName } from './dmarc-record.ts';
import { leadingSpec, makeIssue, show, splitTagList, type ParseIssue } from './tag-list.ts';

export interface BimiRecord {
  /** The record opens with v=BIMI1; otherwise receivers ignore it entirely. */
  isBimi: boolean;
  tags: Record<string, string>;
  version: string | null;
  /** l= as published ("" = declined), or null when absent. */
  location: string | null;
  /** a= as published ("" = no evidence document), or null when absent (which means empty). */
  authority: string | null;
  /**
   * lps= (4.3, 4.5): the local-part prefixes, split on "," and trimmed as a receiver does (4.5
   * step 4); [] when lps= is present but empty, which makes every local-part a selector; null
   * when absent (no local-part selectors).
   */
  lps: string[] | null;
  /** avp= avatar preference, when brand or personal. */
  avp: 'brand' | 'personal' | null;
  /** l= present and empty, and a= empty (an absent a= counts as empty, 4.3): a declination (4.3.1). */
  declined: boolean;
  issues: ParseIssue[];
}

const KNOWN_TAGS = new Set(['v', 'l', 'a', 'lps', 'avp']);
// 4.3.2: only SVG (and its gzipped form SVGZ) is acceptable; another image suffix is a permanent error.
const INDICATOR_SUFFIXES = ['.svg', '.svgz'];
const OTHER_IMAGE_SUFFIXES = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.ico', '.tif', '.tiff', '.avif', '.heic'];

/** 4.3 / 7.2 step 4: v= MUST be "BIMI1", matched precisely, and MUST be the first tag, at the very start. */
export function isBimiRecord(txt: string): boolean {
  const first = splitTagList(txt).specs[0];
  return first !== undefined && first.offset === 0 && first.name === 'v' && first.value === 'BIMI1';
}

// 4.3 local-part-prefix = 1*63local-part-text, local-part-text = ALPHA / DIGIT / '-'.
const LOCAL_PART_PREFIX = /^[A-Za-z0-9-]{1,63}$/;

/**
 * Check one https URI from l= or a=: 4.3 requires a single URI (commas MUST be encoded), HTTPS
 * as the scheme, and a fully qualified domain name. Returns the URL's path on success.
 */
function checkHttpsUri(tag: 'l' | 'a', value: string, issues: ParseIssue[]): string | null {
  if (value.includes(',')) {
    issues.push(makeIssue(`bimi-${tag}-multiple`, 'fail',
      `${tag}=${show(value)} lists more than one URI, but the tag takes a single URI (commas must be encoded).`, tag));
    return null;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.push(makeIssue(`bimi-${tag}-invalid`, 'fail', `${tag}=${show(value)} is not a well-formed URI.`, tag));
    return null;
  }
  if (url.protocol !== 'https:') {
    issues.push(makeIssue(`bimi-${tag}-not-https`, 'fail',
      `${tag}=${show(value)} uses ${url.protocol.slice(0, -1)}, but BIMI only fetches over HTTPS.`, tag));
    return null;
  }
  if (!isDomainName(url.hostname)) {
    issues.push(makeIssue(`bimi-${tag}-host-invalid`, 'fail',
      `${tag}=${show(value)} has the host ${show(url.hostname)}, which is not a fully qualified domain name.`, tag));
    return null;
  }
  return url.pathname;
}

export function parseBimi(txt: string): BimiRecord {
  const list = splitTagList(txt);
  const { tags } = list;
  const issues: ParseIssue[] = [...list.issues];
  const has = (key: string): boolean => Object.hasOwn(tags, key);
  const record: BimiRecord = {
    isBimi: false, tags, version: has('v') ? tags.v! : null,
    location: has('l') ? tags.l! : null, authority: has('a') ? tags.a! : null,
    lps: null, avp: null, declined: false, issues,
  };

  // 4.3 v=: MUST be "BIMI1", matched precisely, first tag; otherwise the record MUST be ignored.
  // bimi-record starts with bimi-version itself, so not even whitespace may come first.
  const first = leadingSpec(txt, list);
  if (first !== null && first.name === 'v' && first.offset > 0) {
    issues.push(makeIssue('bimi-leading-whitespace', 'fail',
      `The record starts with whitespace before v=${show(first.value)}, but it must start with "v=BIMI1" itself (4.3), so receivers discard it.`, 'v'));
  } else if (first !== null && first.name === 'v') {
    if (first.value === 'BIMI1') record.isBimi = true;
    else issues.push(makeIssue('bimi-version-invalid', 'fail',
      `v=${show(first.value)} is not exactly "BIMI1", so receivers ignore the record.`, 'v'));
  } else if (has('v')) {
    issues.push(makeIssue('bimi-version-not-first', 'fail',
      `v=${show(tags.v!)} is not the first tag, so receivers ignore the record.`, 'v'));
  } else {
    issues.push(makeIssue('bimi-version-missing', 'fail',
      `The record ${show(txt.trim().slice(0, 40))} has no v=BIMI1 tag, so it is not a BIMI record.`, 'v'));
  }

  // 4.3: only registered tags are processed; unknown tags MUST be ignored.
  for (const key of Object.keys(tags)) {
    if (!KNOWN_TAGS.has(key)) {
      const hint = KNOWN_TAGS.has(key.toLowerCase()) ? ' (tag names are case-sensitive)' : '';
      issues.push(makeIssue('bimi-tag-unknown', 'info',
        `The tag ${show(key)} is not a BIMI tag${hint}, so receivers ignore it.`, key));
    }
  }

  const location = tags.l ?? '';
  const authority = tags.a ?? '';

  // 4.3 l=: REQUIRED ("If a required tag is missing ... it is an error"); empty declines to
  // publish, otherwise a single HTTPS URI of an SVG (4.3.2).
  if (!has('l')) {
    issues.push(makeIssue('bimi-l-missing', 'fail',
      'The record has no l= tag, which BIMI requires, so receivers treat it as an error (a declination is written "v=BIMI1; l=; a=;").', 'l'));
  }
  if (location !== '') {
    const path = checkHttpsUri('l', location, issues);
    if (path !== null) {
      const lower = path.toLowerCase();
      if (OTHER_IMAGE_SUFFIXES.some((suffix) => lower.endsWith(suffix))) {
        issues.push(makeIssue('bimi-l-not-svg', 'fail',
          `l=${show(location)} names a non-SVG image, which receivers must treat as a permanent error (only SVG is allowed).`, 'l'));
      } else if (!INDICATOR_SUFFIXES.some((suffix) => lower.endsWith(suffix))) {
        issues.push(makeIssue('bimi-l-not-svg', 'warn',
          `l=${show(location)} does not end in .svg, so it may not point to an SVG indicator.`, 'l'));
      }
    }
  }

  // 4.3 a=: OPTIONAL; empty or a single HTTPS URI of the evidence document (a VMC/CMC in PEM).
  // If absent it is taken as empty.
  if (authority !== '') {
    const path = checkHttpsUri('a', authority, issues);
    if (path !== null && !path.toLowerCase().endsWith('.pem')) {
      issues.push(makeIssue('bimi-a-not-pem', 'info',
        `a=${show(authority)} does not end in .pem, the usual form of a mark certificate.`, 'a'));
    }
    if (has('l') && location === '') {
      issues.push(makeIssue('bimi-l-empty-with-authority', 'warn',
        `a=${show(authority)} names evidence while l= is empty, so no indicator location is published.`, 'l'));
    }
  }

  // 4.3.1: if both l= and a= are empty, the domain explicitly declines to participate. l= must
  // be there (it is required); an absent a= "is assumed to have an empty value" (4.3).
  record.declined = has('l') && location === '' && authority === '';

  // 4.3 lps=: zero or more comma-separated local-part prefixes. A receiver splits the value on
  // "," and strips whitespace (4.5 step 4), then prefix-matches the normalized local-part, which
  // holds only letters, digits and single dashes (4.5 step 3) and is at most 63 characters.
  if (has('lps')) {
    const value = tags.lps!;
    const prefixes = value.trim() === '' ? [] : value.split(',').map((item) => item.trim());
    record.lps = prefixes;
    const bad = prefixes.filter((prefix) => !LOCAL_PART_PREFIX.test(prefix));
    if (bad.length > 0) {
      const why = bad.map((prefix) => prefix === ''
        ? 'an empty prefix, which matches every local-part'
        : prefix.length > 63 ? `${show(prefix.slice(0, 20) + '...')} (over 63 characters, longer than any normalized local-part)`
          : `${show(prefix)} (only letters, digits and "-" can match a normalized local-part)`);
      issues.push(makeIssue('bimi-lps-invalid', 'warn',
        `lps=${show(value)} holds ${why.join(', ')}; the draft allows only 1-63 letters, digits and "-" per prefix.`, 'lps'));
    } else if (prefixes.length === 1 && (prefixes[0] === 'true' || prefixes[0] === 'false')) {
      // Draft -11 defined lps as a boolean; under -12 "true"/"false" are prefixes.
      issues.push(makeIssue('bimi-lps-boolean', 'warn',
        `lps=${value} is read as the local-part prefix ${show(prefixes[0])}, so only local-parts beginning with ${show(prefixes[0])} are looked up; the boolean lps of draft -11 is now a prefix list ("lps=" alone matches every local-part).`, 'lps'));
    }
  }
  // 4.3 avp=: %s"personal" / "brand", default brand; other values MUST be ignored.
  if (has('avp')) {
    if (tags.avp === 'brand' || tags.avp === 'personal') record.avp = tags.avp;
    else issues.push(makeIssue('bimi-avp-invalid', 'warn', `avp=${show(tags.avp!)} is not brand or personal, so it is ignored.`, 'avp'));
  }
  return record;
}
