// The "tag=value" list of RFC 6376 section 3.2, shared by the DKIM key record and by every
// record that borrows its syntax: DMARC (RFC 7489 6.3, RFC 9989 4.7), the MTA-STS TXT record
// (RFC 8461 3.1), TLS-RPT (RFC 8460 3) and BIMI (draft-brand-indicators-for-message-identification
// 4.3). The splitter never throws: every deviation from the grammar becomes a ParseIssue, and the
// record-specific parsers decide what the tags mean.
//
//   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
//   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//   tag-name  =  ALPHA *ALNUMPUNC
//   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
//   tval      =  1*VALCHAR
//   VALCHAR   =  %x21-3A / %x3C-7E

export type Severity = 'info' | 'warn' | 'fail';

/** One problem found in a record, phrased for a human, with a stable kebab-case code for checks. */
export interface ParseIssue {
  code: string;
  severity: Severity;
  message: string;
  tag?: string;
}

/** One well-formed tag-spec, in the order it appeared (duplicates included). */
export interface TagSpec {
  /** The tag name as written. */
  name: string;
  /** The name used for look-ups: lower-cased when the record's tag names are case-insensitive. */
  key: string;
  /** The value without surrounding whitespace; whitespace inside the value is kept (RFC 6376 3.2). */
  value: string;
  /** 0-based offset of the tag name in the input. */
  offset: number;
  /** True when whitespace surrounds the "=", which some grammars (RFC 8461, RFC 8460) forbid. */
  spaceAroundEquals: boolean;
}

export interface TagList {
  specs: TagSpec[];
  /** First value seen for each key. */
  tags: Record<string, string>;
  issues: ParseIssue[];
}

export interface TagListOptions {
  /** Tag names are case-sensitive in RFC 6376 3.2; set this for grammars whose names are not. */
  caseInsensitiveNames?: boolean;
  /** Allowed tag names; defaults to RFC 6376 tag-name (ALPHA *ALNUMPUNC). */
  namePattern?: RegExp;
  /** RFC 6376 3.2 makes a tag-list with a repeated tag invalid as a whole, hence 'fail' by default. */
  duplicateSeverity?: Severity;
  /**
   * An entry that is not a tag-spec at all (no "=", no name, an invalid name): 'fail' by default,
   * as a tag-list with one is invalid (RFC 6376 3.2). DMARC lowers it: RFC 9989 4.8 ignores
   * syntax errors in the rest of the record.
   */
  malformedSeverity?: Severity;
  /**
   * An empty entry (";;"): 'warn' by default. Grammars whose records a syntax error discards
   * (DKIM keys, RFC 6376 6.1.2; MTA-STS, RFC 8461 3.1; TLS-RPT, RFC 8460 3) raise it to 'fail'.
   */
  emptySeverity?: Severity;
}

/** RFC 6376 3.2: tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_". */
export const RFC6376_TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const WHITESPACE = /[ \t\r\n]/;

export function makeIssue(code: string, severity: Severity, message: string, tag?: string): ParseIssue {
  return tag === undefined ? { code, severity, message } : { code, severity, message, tag };
}

/** Quote a value for a message so that empty strings and control characters stay visible. */
export function show(value: string): string {
  return JSON.stringify(value);
}

function trimWhitespace(text: string): { text: string; lead: number; trail: number } {
  let start = 0;
  let end = text.length;
  while (start < end && WHITESPACE.test(text[start]!)) start++;
  while (end > start && WHITESPACE.test(text[end - 1]!)) end--;
  return { text: text.slice(start, end), lead: start, trail: text.length - end };
}

/** The first character of a value outside VALCHAR and the whitespace allowed between tvals. */
function firstInvalidValueChar(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const valchar = (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
    const inner = c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    if (!valchar && !inner) return i;
  }
  return -1;
}

export function splitTagList(text: string, options: TagListOptions = {}): TagList {
  const namePattern = options.namePattern ?? RFC6376_TAG_NAME;
  const duplicateSeverity = options.duplicateSeverity ?? 'fail';
  const malformedSeverity = options.malformedSeverity ?? 'fail';
  const emptySeverity = options.emptySeverity ?? 'warn';
  const specs: TagSpec[] = [];
  const tags: Record<string, string> = {};
  const firstOffset = new Map<string, number>();
  const issues: ParseIssue[] = [];

  const segments = text.split(';');
  let offset = 0;
  segments.forEach((segment, index) => {
    const segmentOffset = offset;
    offset += segment.length + 1;
    const isLast = index === segments.length - 1;

    if (trimWhitespace(segment).text === '') {
      // RFC 6376 3.2 allows one trailing ";" (the last, empty segment) and nothing else empty.
      if (!isLast) {
        const consequence = emptySeverity === 'fail' ? ', which the record\'s grammar does not allow, so the record is invalid' : '';
        issues.push(makeIssue('tag-empty', emptySeverity,
          `The tag list has an empty entry (";" with no tag=value before it) at offset ${segmentOffset + segment.length}${consequence}.`));
      }
      return;
    }

    const eq = segment.indexOf('=');
    if (eq === -1) {
      const bare = trimWhitespace(segment);
      issues.push(makeIssue('tag-malformed', malformedSeverity,
        `The tag list entry ${show(bare.text)} at offset ${segmentOffset + bare.lead} has no "=" between a tag name and a value.`));
      return;
    }

    const rawName = trimWhitespace(segment.slice(0, eq));
    const rawValue = trimWhitespace(segment.slice(eq + 1));
    const nameOffset = segmentOffset + rawName.lead;
    if (rawName.text === '') {
      issues.push(makeIssue('tag-malformed', malformedSeverity,
        `The tag list entry ${show(trimWhitespace(segment).text)} at offset ${segmentOffset + eq} has no tag name before "=".`));
      return;
    }
    if (!namePattern.test(rawName.text)) {
      issues.push(makeIssue('tag-name-invalid', malformedSeverity,
        `The tag name ${show(rawName.text)} at offset ${nameOffset} is not a valid tag name.`, rawName.text));
      return;
    }

    const name = rawName.text;
    const key = options.caseInsensitiveNames ? name.toLowerCase() : name;
    const value = rawValue.text;
    const bad = firstInvalidValueChar(value);
    if (bad !== -1) {
      const code = value.codePointAt(bad)!;
      issues.push(makeIssue('tag-value-invalid-char', 'warn',
        `The value of tag ${show(name)} contains the character U+${code.toString(16).toUpperCase().padStart(4, '0')} at offset ${segmentOffset + eq + 1 + rawValue.lead + bad}, outside the printable ASCII allowed in tag values.`, name));
    }

    specs.push({
      name,
      key,
      value,
      offset: nameOffset,
      spaceAroundEquals: rawName.trail > 0 || rawValue.lead > 0,
    });

    const seenAt = firstOffset.get(key);
    if (seenAt !== undefined) {
      issues.push(makeIssue('tag-duplicate', duplicateSeverity,
        `The tag ${show(name)} appears again at offset ${nameOffset} (first at offset ${seenAt}); the first value ${show(tags[key]!)} is used.`, name));
      return;
    }
    firstOffset.set(key, nameOffset);
    tags[key] = value;
  });

  return { specs, tags, issues };
}

/**
 * The spec that opens the record, or null when the record starts with anything else (an empty
 * entry, a malformed pair). Version tags must be "the first tag in the list" (RFC 6376 3.6.1,
 * RFC 7489 6.3, RFC 8461 3.1, RFC 8460 3), so a version tag found later does not count.
 */
export function leadingSpec(text: string, list: TagList): TagSpec | null {
  const first = list.specs[0];
  if (!first) return null;
  return first.offset === text.search(/[^ \t\r\n]/) ? first : null;
}

/** Split a colon-separated value list (DKIM h=, s=, t=; DMARC fo=, rf=), trimming whitespace. */
export function splitColonList(value: string): string[] {
  return value.split(':').map((item) => trimWhitespace(item).text);
}

/** Split a comma-separated URI list (DMARC rua/ruf, TLS-RPT rua), trimming whitespace. */
export function splitCommaList(value: string): string[] {
  return value.split(',').map((item) => trimWhitespace(item).text);
}
