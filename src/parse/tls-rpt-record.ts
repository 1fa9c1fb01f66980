// SMTP TLS Reporting record parser (RFC 8460 section 3), the TXT record at _smtp._tls.<domain>.
// Pure: no DNS.
//
//   tlsrpt-record     = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//   field-delim       = *WSP ";" *WSP
//   tlsrpt-version    = %s"v=TLSRPTv1"
//   tlsrpt-rua        = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//   tlsrpt-uri        = URI   ; commas, exclamation points and semicolons MUST be encoded
//   tlsrpt-extension  = tlsrpt-ext-name "=" tlsrpt-ext-value
//   tlsrpt-ext-name   = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
//   tlsrpt-ext-value  = 1*(%x21-3A / %x3C / %x3E-7E)

import { parseReportUri, type ReportUri } from './dmarc-record.ts';
import {
  leadingSpec, makeIssue, show, splitCommaList, splitTagList, type ParseIssue,
} from './tag-list.ts';

export interface TlsRptRecord {
  /** Raw tag values; names are case-sensitive (%s strings, RFC 7405). */
  tags: Record<string, string>;
  version: string | null;
  rua: ReportUri[];
  /** Fields other than v and rua, which senders ignore. */
  extensions: Record<string, string>;
  issues: ParseIssue[];
}

const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * RFC 8460 3: records that do not begin with "v=TLSRPTv1;" are discarded. The field-delim rule
 * also allows spaces before the ";".
 */
export function isTlsRptRecord(txt: string): boolean {
  return /^v=TLSRPTv1[ \t]*;/.test(txt);
}

export function parseTlsRpt(txt: string): TlsRptRecord {
  // The grammar allows a field to repeat (1*(field-delim tlsrpt-field)) but gives it no meaning.
  // An empty field (";;") breaks it, and RFC 8460 3 makes a syntactically invalid record mean
  // that the domain does not implement TLSRPT, so every grammar error here is a fail.
  const list = splitTagList(txt, { namePattern: FIELD_NAME, duplicateSeverity: 'warn', emptySeverity: 'fail' });
  const { tags } = list;
  const issues: ParseIssue[] = [...list.issues];
  const has = (key: string): boolean => Object.hasOwn(tags, key);
  const record: TlsRptRecord = { tags, version: has('v') ? tags.v! : null, rua: [], extensions: {}, issues };

  // RFC 8460 3 v: MUST be "TLSRPTv1", and the record must begin with it.
  const first = leadingSpec(txt, list);
  if (first === null || first.name !== 'v') {
    issues.push(makeIssue('tlsrpt-version-not-first', 'fail',
      `The record ${show(txt.slice(0, 40))} does not begin with v=TLSRPTv1, so senders discard it.`, 'v'));
  } else if (first.value !== 'TLSRPTv1') {
    issues.push(makeIssue('tlsrpt-version-invalid', 'fail',
      `v=${show(first.value)} is not exactly "TLSRPTv1", so senders discard the record.`, 'v'));
  } else if (first.offset !== 0) {
    issues.push(makeIssue('tlsrpt-version-not-first', 'fail',
      'The record begins with whitespace before v=TLSRPTv1, so it does not begin with "v=TLSRPTv1;" as senders require.', 'v'));
  }

  // field-delim = *WSP ";" *WSP is the only place for whitespace at the end of the record.
  if (/[ \t]$/.test(txt) && !/;[ \t]*$/.test(txt)) {
    issues.push(makeIssue('tlsrpt-trailing-whitespace', 'fail',
      `The record ${show(txt)} ends in whitespace, which the record grammar allows only after a ";", so strict senders discard it.`));
  }

  // The ABNF puts no whitespace around "=" in any field.
  for (const spec of list.specs) {
    if (spec.spaceAroundEquals) {
      issues.push(makeIssue('tlsrpt-space-around-equals', 'fail',
        `The field ${show(spec.name)} has whitespace around "=", which the record grammar does not allow, so strict senders reject the record.`, spec.name));
    }
  }

  // RFC 8460 3 rua: required; one or more URIs, comma-separated as in DMARC; the supported
  // schemes are "mailto" and "https".
  if (!has('rua')) {
    issues.push(makeIssue('tlsrpt-rua-missing', 'fail', 'The record has no rua= field, which RFC 8460 requires.', 'rua'));
  } else if (tags.rua === '') {
    issues.push(makeIssue('tlsrpt-rua-empty', 'fail', 'rua= is present but lists no URI.', 'rua'));
  } else {
    for (const item of splitCommaList(tags.rua!)) {
      const uri = parseReportUri(item, { sizeSuffix: false });
      record.rua.push(uri);
      if (!uri.valid) {
        issues.push(makeIssue('tlsrpt-uri-invalid', 'fail', `In rua=, ${uri.error!}`, 'rua'));
      } else if (uri.scheme !== 'mailto' && uri.scheme !== 'https') {
        issues.push(makeIssue('tlsrpt-uri-scheme-unsupported', 'fail',
          `rua URI ${show(uri.uri)} uses the ${uri.scheme} scheme, but TLS reports go only to mailto: or https: URIs.`, 'rua'));
      }
    }
  }

  // RFC 8460 3: parsers MUST accept records with unknown fields, which SHALL be ignored.
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'v' || key === 'rua') continue;
    record.extensions[key] = value;
    if (!/^[\x21-\x3a\x3c\x3e-\x7e]+$/.test(value)) {
      issues.push(makeIssue('tlsrpt-extension-invalid', 'fail',
        `The extension ${key}=${show(value)} has an empty value or one containing "=", spaces or control characters, which the record grammar does not allow.`, key));
    } else {
      issues.push(makeIssue('tlsrpt-field-unknown', 'info',
        `The field ${key}=${show(value)} is not defined by RFC 8460, so senders ignore it.`, key));
    }
  }
  return record;
}
