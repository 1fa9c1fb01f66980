// SPF macros (RFC 7208 7): syntax validation of macro-strings and domain-specs, and expansion
// from whatever macro values are known. Pure functions, no DNS.

import type { MacroContext, MacroStringParse, MacroSyntaxError, MacroToken } from './spf-types.ts';

/** macro-letter = "s" / "l" / "o" / "d" / "i" / "p" / "h" / "c" / "r" / "t" / "v" (RFC 7208 7.1). */
export const MACRO_LETTERS = 'slodiphcrtv';

/** "The following macro letters are allowed only in 'exp' text: c, r, and t" (RFC 7208 7.2). */
export const EXPLAIN_ONLY_LETTERS = 'crt';

const LETTER_MEANING: Record<string, string> = {
  s: 'the sender address',
  l: 'the local-part of the sender',
  o: 'the domain of the sender',
  d: 'the domain being evaluated',
  i: 'the client IP address',
  p: 'the validated domain name of the client IP',
  v: '"in-addr" or "ip6" by client address family',
  h: 'the HELO/EHLO name',
  c: 'the client IP address, readable form',
  r: 'the receiving host name',
  t: 'the current time',
};

export function describeMacroLetter(letter: string): string {
  return LETTER_MEANING[letter.toLowerCase()] ?? `unknown macro letter "${letter}"`;
}

// transformers = *DIGIT [ "r" ], delimiter = "." / "-" / "+" / "," / "/" / "_" / "="
// (ABNF quoted strings are case-insensitive, so "R" is the same transformer as "r").
const MACRO_BODY = /^([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)$/;

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;

export function isToplabel(label: string): boolean {
  return TOPLABEL.test(label);
}

function visible(code: number): string {
  return code >= 0x21 && code <= 0x7e ? `"${String.fromCharCode(code)}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Parses a macro-string (RFC 7208 7.1). In a domain-spec the macro letters c, r and t are not
 * allowed (7.2); in explanation text they are, and so is SP (explain-string = *( macro-string / SP )).
 */
export function parseMacroString(text: string, context: MacroContext): MacroStringParse {
  const tokens: MacroToken[] = [];
  const letters: string[] = [];
  const errors: MacroSyntaxError[] = [];
  let pos = 0;
  let literalStart = -1;
  const flushLiteral = (end: number): void => {
    if (literalStart >= 0) {
      tokens.push({ kind: 'literal', text: text.slice(literalStart, end), offset: literalStart });
      literalStart = -1;
    }
  };

  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === 0x25 /* % */) {
      flushLiteral(pos);
      const next = text.charAt(pos + 1);
      if (next === '%' || next === '_' || next === '-') {
        tokens.push({ kind: 'escape', text: `%${next}` as '%%' | '%_' | '%-', offset: pos });
        pos += 2;
        continue;
      }
      if (next !== '{') {
        errors.push({ offset: pos, message: `"%" must be followed by "{", "%", "_" or "-" (RFC 7208 7.1)${next ? `, not "${next}"` : ''}.` });
        pos += 1;
        continue;
      }
      const close = text.indexOf('}', pos + 2);
      if (close < 0) {
        errors.push({ offset: pos, message: 'The macro "%{" is not closed by "}" (RFC 7208 7.1).' });
        break;
      }
      const body = text.slice(pos + 2, close);
      const match = MACRO_BODY.exec(body);
      if (!match) {
        errors.push({ offset: pos, message: `"%{${body}}" is not a macro: expected a letter, optional digits, optional "r" and delimiters from ".-+,/_=" (RFC 7208 7.1).` });
      } else {
        const written = match[1];
        const letter = written.toLowerCase();
        const digits = match[2] === '' ? null : Number(match[2]);
        if (!MACRO_LETTERS.includes(letter)) {
          errors.push({ offset: pos, message: `"${written}" is not a macro letter; valid letters are ${MACRO_LETTERS.split('').join(', ')} (RFC 7208 7.1).` });
        } else if (EXPLAIN_ONLY_LETTERS.includes(letter) && context !== 'explain-string') {
          errors.push({ offset: pos, message: `The macro letter "${written}" is allowed only in explanation text, not in a domain-spec (RFC 7208 7.2).` });
        } else if (digits === 0) {
          errors.push({ offset: pos, message: `"%{${body}}" asks for zero parts; the digit transformer must be nonzero (RFC 7208 7.3).` });
        } else {
          tokens.push({
            kind: 'macro',
            text: text.slice(pos, close + 1),
            offset: pos,
            letter,
            urlEscape: written !== letter,
            digits,
            reverse: match[3] !== '',
            delimiters: match[4],
          });
          if (!letters.includes(letter)) letters.push(letter);
        }
      }
      pos = close + 1;
      continue;
    }
    // macro-literal = %x21-24 / %x26-7E; explain-string adds SP
    const allowed = (code >= 0x21 && code <= 0x7e) || (code === 0x20 && context === 'explain-string');
    if (!allowed) {
      flushLiteral(pos);
      errors.push({ offset: pos, message: `The character ${visible(code)} is not allowed here; only visible ASCII may be used (RFC 7208 7.1).` });
      pos += 1;
      continue;
    }
    if (literalStart < 0) literalStart = pos;
    pos += 1;
  }
  flushLiteral(pos);
  return { tokens, letters, errors };
}

/**
 * Validates a domain-spec: domain-spec = macro-string domain-end, domain-end = ( "." toplabel
 * [ "." ] ) / macro-expand (RFC 7208 7.1, 4.6.1). The syntax is checked as written, never after
 * expansion.
 */
export function parseDomainSpec(spec: string): MacroStringParse {
  const parsed = parseMacroString(spec, 'domain-spec');
  if (spec === '') {
    return { ...parsed, errors: [{ offset: 0, message: 'The domain-spec is empty (RFC 7208 7.1).' }] };
  }
  if (parsed.errors.length > 0) return parsed;
  const last = parsed.tokens[parsed.tokens.length - 1];
  if (last.kind !== 'literal') return parsed; // ends in a macro-expand
  let tail = last.text;
  if (tail.endsWith('.')) tail = tail.slice(0, -1);
  const dot = tail.lastIndexOf('.');
  const toplabel = dot >= 0 ? tail.slice(dot + 1) : null;
  if (toplabel === null || !isToplabel(toplabel)) {
    const what = toplabel === null
      ? `"${spec}" has no top label after a dot`
      : toplabel === '' ? `"${spec}" ends in an empty label`
        : `"${toplabel}" is not a valid top label (letters, digits and inner hyphens, not all digits)`;
    parsed.errors.push({ offset: last.offset, message: `${what}; a domain-spec must end in "." and a top label, or in a macro (RFC 7208 7.1).` });
  }
  return parsed;
}

export type MacroValues = Partial<Record<'s' | 'l' | 'o' | 'd' | 'i' | 'p' | 'h' | 'c' | 'r' | 't' | 'v', string>>;

export interface MacroExpansion {
  /** The expanded string, or null when a needed value is unknown. */
  value: string | null;
  /** Macro letters whose values were not given. */
  missing: string[];
}

// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986), everything else is %-escaped (RFC 7208 7.3)
function urlEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Expands parsed macro tokens (RFC 7208 7.3): split on the delimiters (default "."), reverse if
 * asked, keep the right-hand parts, join with "."; upper case letters are URL-escaped. The
 * value of "i" must be given in its SPF form (dotted quad, or dot-separated nibbles for IPv6).
 */
export function expandMacroTokens(tokens: MacroToken[], values: MacroValues): MacroExpansion {
  const missing: string[] = [];
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
    } else if (token.kind === 'escape') {
      out += token.text === '%%' ? '%' : token.text === '%_' ? ' ' : '%20';
    } else {
      const value = values[token.letter as keyof MacroValues];
      if (value === undefined) {
        if (!missing.includes(token.letter)) missing.push(token.letter);
        continue;
      }
      const split = token.delimiters === '' ? ['.'] : token.delimiters.split('');
      let parts = [value];
      for (const delimiter of split) parts = parts.flatMap((part) => part.split(delimiter));
      if (token.reverse) parts.reverse();
      if (token.digits !== null && token.digits < parts.length) parts = parts.slice(parts.length - token.digits);
      const joined = parts.join('.');
      out += token.urlEscape ? urlEscape(joined) : joined;
    }
  }
  return missing.length > 0 ? { value: null, missing } : { value: out, missing };
}

/**
 * Turns an expanded domain-spec into a query name: one trailing dot is dropped, and a name
 * over 253 characters loses labels from the left until it fits (RFC 7208 7.3).
 */
export function toTargetName(expanded: string): string {
  let name = expanded.endsWith('.') ? expanded.slice(0, -1) : expanded;
  while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
  return name;
}
