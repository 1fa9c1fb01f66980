// MTA-STS (RFC 8461): the _mta-sts TXT record (section 3.1), the policy file served at
// https://mta-sts.<domain>/.well-known/mta-sts.txt (section 3.2), and MX host matching against
// the policy's mx patterns (section 4.1). Pure: no DNS, no HTTPS.

import { isDomainName } from './dmarc-record.ts';
import { leadingSpec, makeIssue, show, splitTagList, type ParseIssue } from './tag-list.ts';

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsTxtRecord {
  /** Raw tag values (names are case-sensitive: the ABNF uses %s strings, RFC 7405). */
  tags: Record<string, string>;
  version: string | null;
  /** The policy id, when it is 1-32 alphanumerics. */
  id: string | null;
  /** Fields other than v and id, which senders ignore. */
  extensions: Record<string, string>;
  issues: ParseIssue[];
}

export interface MtaStsPolicyField {
  key: string;
  value: string;
  /** 1-based line number in the policy body. */
  line: number;
}

export interface MtaStsPolicy {
  version: string | null;
  mode: MtaStsMode | null;
  /** max_age in seconds, when it is a valid integer. */
  maxAge: number | null;
  /** Syntactically valid mx patterns, in order, as written. */
  mx: string[];
  /** Every key/value line, in order. */
  fields: MtaStsPolicyField[];
  /** Fields other than version, mode, max_age and mx (first occurrence), which senders ignore. */
  extensions: Record<string, string>;
  issues: ParseIssue[];
}

/** RFC 8461 3.2: max_age has a maximum value of 31557600 seconds (one year). */
export const MTA_STS_MAX_AGE_LIMIT = 31557600;

// RFC 8461 3.1 sts-ext-name and 3.2 sts-policy-ext-name: (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".").
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * RFC 8461 3.1: "records that do not begin with "v=STSv1;" are discarded". The ABNF's
 * sts-field-delim (*WSP ";" *WSP) also allows spaces before the ";" (erratum 6285 notes the clash).
 */
export function isMtaStsTxtRecord(txt: string): boolean {
  return /^v=STSv1[ \t]*;/.test(txt);
}

export function parseMtaStsTxt(txt: string): MtaStsTxtRecord {
  // RFC 8461 3.1 gives no rule for repeated fields; the tag-list splitter reports them. An
  // empty field (";;") breaks the grammar: "If ... the resulting record is syntactically
  // invalid, senders MUST assume the recipient domain does not have an available MTA-STS
  // Policy", so every grammar error here is a fail.
  const list = splitTagList(txt, { namePattern: FIELD_NAME, duplicateSeverity: 'warn', emptySeverity: 'fail' });
  const { tags } = list;
  const issues: ParseIssue[] = [...list.issues];
  const has = (key: string): boolean => Object.hasOwn(tags, key);
  const record: MtaStsTxtRecord = {
    tags, version: has('v') ? tags.v! : null, id: null, extensions: {}, issues,
  };

  // RFC 8461 3.1: sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim],
  // sts-version = %s"v=STSv1" (first, case-sensitive, no whitespace around "=").
  const first = leadingSpec(txt, list);
  if (first === null || first.name !== 'v') {
    issues.push(makeIssue('mta-sts-version-not-first', 'fail',
      `The record ${show(txt.slice(0, 40))} does not begin with v=STSv1, so senders discard it.`, 'v'));
  } else if (first.value !== 'STSv1') {
    issues.push(makeIssue('mta-sts-version-invalid', 'fail',
      `v=${show(first.value)} is not exactly "STSv1", so senders discard the record.`, 'v'));
  } else if (first.offset !== 0) {
    issues.push(makeIssue('mta-sts-version-not-first', 'fail',
      `The record begins with whitespace before v=STSv1, so it does not begin with "v=STSv1;" as senders require.`, 'v'));
  } else if (list.specs.length === 1 && !/^v=STSv1[ \t]*;/.test(txt)) {
    // The id field is required anyway; this only notes the missing ";" the discovery filter needs.
    issues.push(makeIssue('mta-sts-version-unterminated', 'fail',
      `The record ${show(txt)} does not begin with "v=STSv1;", so senders discard it.`, 'v'));
  }

  // RFC 8461 3.1: whitespace is allowed only around ";" (sts-field-delim = *WSP ";" *WSP), so
  // the record cannot end in whitespace unless a final ";" comes before it.
  if (/[ \t]$/.test(txt) && !/;[ \t]*$/.test(txt)) {
    issues.push(makeIssue('mta-sts-trailing-whitespace', 'fail',
      `The record ${show(txt)} ends in whitespace, which the record grammar allows only after a ";", so strict senders discard it.`));
  }

  // RFC 8461 3.1 ABNF: "v=STSv1", "id=" and ext-name "=" ext-value have no whitespace around "=".
  for (const spec of list.specs) {
    if (spec.spaceAroundEquals) {
      issues.push(makeIssue('mta-sts-txt-space-around-equals', 'fail',
        `The field ${show(spec.name)} has whitespace around "=", which the record grammar does not allow, so strict senders reject the record.`, spec.name));
    }
  }

  // RFC 8461 3.1 id: REQUIRED, 1*32(ALPHA / DIGIT).
  if (!has('id')) {
    issues.push(makeIssue('mta-sts-id-missing', 'fail', 'The record has no id= field, which RFC 8461 requires.', 'id'));
  } else if (/^[A-Za-z0-9]{1,32}$/.test(tags.id!)) {
    record.id = tags.id!;
  } else {
    issues.push(makeIssue('mta-sts-id-invalid', 'fail',
      `id=${show(tags.id!)} is not 1 to 32 letters and digits.`, 'id'));
  }

  // RFC 8461 3.1 sts-extension: ext-value = 1*(%x21-3A / %x3C / %x3E-7E), so no "=", ";" or
  // space. RFC 8461 3.2: parsers MUST accept TXT records with additional key/value pairs, and
  // unknown fields SHOULD be ignored.
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'v' || key === 'id') continue;
    record.extensions[key] = value;
    if (!/^[\x21-\x3a\x3c\x3e-\x7e]+$/.test(value)) {
      issues.push(makeIssue('mta-sts-extension-invalid', 'fail',
        `The extension ${key}=${show(value)} has an empty value or one containing "=", spaces or control characters, which the record grammar does not allow.`, key));
    } else {
      issues.push(makeIssue('mta-sts-field-unknown', 'info', `The field ${key}=${show(value)} is not defined by RFC 8461, so senders ignore it.`, key));
    }
  }
  return record;
}

/** RFC 8461 3.2 sts-policy-mx-value = ["*."] Domain, with Domain from RFC 5321. */
export function isMxPattern(pattern: string): boolean {
  return isDomainName(pattern.startsWith('*.') ? pattern.slice(2) : pattern);
}

export function parseMtaStsPolicy(body: string): MtaStsPolicy {
  const issues: ParseIssue[] = [];
  const policy: MtaStsPolicy = { version: null, mode: null, maxAge: null, mx: [], fields: [], extensions: {}, issues };

  // RFC 8461 3.2: sts-policy-term = LF / CRLF; one trailing terminator is allowed.
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const seen = new Map<string, number>();

  lines.forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.includes('\r')) {
      issues.push(makeIssue('mta-sts-policy-bare-cr', 'warn',
        `Line ${lineNo} ${show(line)} contains a carriage return that is not part of a CRLF line end.`));
    }
    if (/^[ \t]*$/.test(line)) {
      // RFC 8461 3.2 sts-policy-record has no empty lines; most senders skip them, a strict
      // parser of the grammar does not.
      issues.push(makeIssue('mta-sts-policy-blank-line', 'warn',
        `Line ${lineNo} is blank, which the policy grammar does not provide for; most senders skip it, strict ones reject the policy.`));
      return;
    }
    const colon = line.indexOf(':');
    if (colon === -1) {
      issues.push(makeIssue('mta-sts-policy-line-malformed', 'fail',
        `Line ${lineNo} ${show(line)} is not a "key: value" pair.`));
      return;
    }
    const rawKey = line.slice(0, colon);
    const key = rawKey.trim();
    // RFC 8461 3.2: sts-policy-field-delim = ":" *WSP, and trailing *WSP after the value;
    // nothing allows whitespace before the key or before the colon, so the line is no field at
    // all to a parser of the grammar (the field it was meant to be is then missing).
    if (key !== rawKey) {
      issues.push(makeIssue('mta-sts-policy-whitespace', 'fail',
        `Line ${lineNo} ${show(line)} has whitespace before the key or before the ":", which the policy grammar does not allow, so strict senders do not read this field.`, key));
    }
    if (!FIELD_NAME.test(key)) {
      issues.push(makeIssue('mta-sts-policy-key-invalid', 'fail',
        `Line ${lineNo} has the key ${show(key)}, which is not a valid field name.`, key));
      return;
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    policy.fields.push({ key, value, line: lineNo });

    // RFC 8461 3.2: if a non-repeated field (all but mx) is duplicated, all entries except
    // the first SHOULD be ignored.
    if (key !== 'mx') {
      const firstLine = seen.get(key);
      if (firstLine !== undefined) {
        issues.push(makeIssue('mta-sts-policy-duplicate-field', 'warn',
          `Line ${lineNo} repeats the ${show(key)} field first given on line ${firstLine}; senders ignore the repeat.`, key));
        return;
      }
      seen.set(key, lineNo);
    }

    switch (key) {
      case 'version':
        // RFC 8461 3.2: sts-policy-version-value = %s"STSv1".
        if (value === 'STSv1') policy.version = value;
        else issues.push(makeIssue('mta-sts-policy-version-invalid', 'fail', `version: ${show(value)} is not exactly "STSv1".`, key));
        break;
      case 'mode':
        // RFC 8461 3.2: %s"testing" / %s"enforce" / %s"none", case-sensitive.
        if (value === 'enforce' || value === 'testing' || value === 'none') policy.mode = value;
        else issues.push(makeIssue('mta-sts-policy-mode-invalid', 'fail',
          `mode: ${show(value)} is not one of enforce, testing or none (lower-case).`, key));
        break;
      case 'max_age':
        // RFC 8461 3.2: 1*10(DIGIT), a non-negative integer of seconds with a maximum of 31557600.
        if (/^[0-9]{1,10}$/.test(value)) {
          policy.maxAge = Number(value);
          // RFC 8461 3.2 defines max_age with a "maximum value of 31557600"; a larger value is
          // not a valid max_age, and a policy without a valid max_age is invalid.
          if (policy.maxAge > MTA_STS_MAX_AGE_LIMIT) {
            issues.push(makeIssue('mta-sts-policy-max-age-too-large', 'fail',
              `max_age: ${value} exceeds the maximum of ${MTA_STS_MAX_AGE_LIMIT} seconds (one year) that RFC 8461 allows, so senders that check it treat the policy as invalid.`, key));
          }
        } else {
          issues.push(makeIssue('mta-sts-policy-max-age-invalid', 'fail',
            `max_age: ${show(value)} is not a whole number of seconds of at most 10 digits.`, key));
        }
        break;
      case 'mx':
        // RFC 8461 3.2: ["*."] Domain; an IDN must be given as its A-label.
        if (isMxPattern(value)) {
          policy.mx.push(value);
        } else {
          const idn = /[^\x00-\x7f]/.test(value) ? ' (internationalised names must be written as A-labels, xn--...)' : '';
          issues.push(makeIssue('mta-sts-policy-mx-invalid', 'fail',
            `mx: ${show(value)} is not a host name or a "*." wildcard followed by one${idn}.`, key));
        }
        break;
      default:
        // RFC 8461 3.2: unknown fields SHALL be ignored, but only in a syntactically valid policy:
        // sts-policy-ext-value = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar],
        // visible ASCII or UTF-8, no control characters, at least one character.
        policy.extensions[key] = value;
        if (value === '' || /[\x00-\x1f\x7f]/.test(value)) {
          issues.push(makeIssue('mta-sts-policy-extension-invalid', 'fail',
            `The field ${key}: ${show(value)} has ${value === '' ? 'an empty value' : 'a control character in its value'}, which the policy grammar does not allow, so the policy is invalid.`, key));
        } else {
          issues.push(makeIssue('mta-sts-policy-field-unknown', 'info',
            `The field ${key}: ${show(value)} is not defined by RFC 8461, so senders ignore it.`, key));
        }
    }
  });

  // RFC 8461 3.2: "If any field is not specified, the policy SHALL be treated as invalid";
  // the ABNF requires mx at least once except when mode is "none".
  const required: Array<[string, boolean]> = [
    ['version', seen.has('version')],
    ['mode', seen.has('mode')],
    ['max_age', seen.has('max_age')],
  ];
  for (const [key, present] of required) {
    if (!present) {
      issues.push(makeIssue(`mta-sts-policy-${key.replace('_', '-')}-missing`, 'fail',
        `The policy has no ${key}: line, so senders treat it as invalid.`, key));
    }
  }
  if (policy.fields.every((field) => field.key !== 'mx') && policy.mode !== 'none') {
    issues.push(makeIssue('mta-sts-policy-mx-missing', 'fail',
      `The policy has no mx: line, which every mode except none requires (mode is ${show(policy.mode ?? '')}).`, 'mx'));
  }

  // RFC 8461 3.2 does not fix the order of fields; some providers' tools expect version first.
  const firstField = policy.fields[0];
  if (firstField && firstField.key !== 'version' && seen.has('version')) {
    issues.push(makeIssue('mta-sts-policy-version-not-first', 'info',
      `The policy starts with ${show(firstField.key)} rather than version:, which RFC 8461 allows but some tools expect.`, 'version'));
  }
  return policy;
}

/**
 * RFC 8461 4.1: an MX host matches a pattern as in RFC 6125, except that "*" may only stand for
 * the entire left-most label: "*.example.com" matches "mail.example.com" but not "example.com"
 * or "foo.bar.example.com". Comparison is case-insensitive; a trailing root dot is ignored.
 */
export function mxMatchesPattern(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (h === '' || p === '') return false;
  if (p.startsWith('*.')) {
    const suffix = p.slice(2);
    if (suffix === '' || suffix.includes('*')) return false;
    const dot = h.indexOf('.');
    return dot > 0 && h.slice(dot + 1) === suffix;
  }
  return !p.includes('*') && h === p;
}

/** The MX hosts that no pattern covers, in their original order and spelling. */
export function uncoveredMxHosts(hosts: readonly string[], patterns: readonly string[]): string[] {
  return hosts.filter((host) => !patterns.some((pattern) => mxMatchesPattern(host, pattern)));
}
