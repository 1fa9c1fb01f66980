// SPF record parser (RFC 7208 4.5, 4.6, 5, 6, 7, 12). Pure: text in, plain data out. Every
// term keeps its raw text and character offset so a renderer can point at the exact spot.

import { isIPv6 } from 'node:net';
import { parseDomainSpec, parseMacroString } from './macro.ts';
import type {
  MacroStringParse,
  ParsedSpf,
  SpfMechanismName,
  SpfMechanismTerm,
  SpfModifierTerm,
  SpfNote,
  SpfQualifier,
  SpfSyntaxError,
  SpfTerm,
} from './spf-types.ts';

const MECHANISMS: readonly SpfMechanismName[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];

/** RFC 7208 4.6.4: the terms that cause DNS queries and count toward the limit of 10. */
const LOOKUP_MECHANISMS: readonly SpfMechanismName[] = ['include', 'a', 'mx', 'ptr', 'exists'];

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); a term is a modifier when "=" follows the name (RFC 7208 4.6.1, 12)
const MODIFIER = /^([A-Za-z][A-Za-z0-9\-_.]*)=/;

// qnum = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35 (RFC 7208 5.6): no leading zeros
const QNUM = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IP4_NETWORK = new RegExp(`^${QNUM}(?:\\.${QNUM}){3}$`);

/** RFC 7208 4.5: "v=spf1", case-insensitively, followed by a space or the end of the record. */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1(?: |$)/i.test(txt);
}

interface TermParse {
  term: SpfTerm;
  errors: { offset: number; message: string }[];
  notes: string[];
}

function invalid(index: number, raw: string, position: number, errors: { offset: number; message: string }[]): TermParse {
  return { term: { kind: 'invalid', index, raw, position }, errors, notes: [] };
}

function macroErrors(parse: MacroStringParse, base: number): { offset: number; message: string }[] {
  return parse.errors.map((e) => ({ offset: base + e.offset, message: e.message }));
}

/** ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT) (RFC 7208 5.6). */
function cidrValue(digits: string, max: number, family: 'IPv4' | 'IPv6'): number | string {
  if (!/^(?:0|[1-9][0-9]*)$/.test(digits)) {
    return `The ${family} prefix length "/${digits}" is not a number without leading zeros (RFC 7208 5.6).`;
  }
  const value = Number(digits);
  if (value > max) return `The ${family} prefix length /${value} is over ${max} (RFC 7208 5.6).`;
  return value;
}

function parseDirective(index: number, raw: string, position: number): TermParse {
  let qualifier: SpfQualifier = '+';
  let qualifierExplicit = false;
  let body = raw;
  if ('+-~?'.includes(raw.charAt(0))) {
    qualifier = raw.charAt(0) as SpfQualifier;
    qualifierExplicit = true;
    body = raw.slice(1);
  }
  const base = qualifierExplicit ? 1 : 0;
  const nameEnd = body.search(/[:/]/);
  const written = nameEnd < 0 ? body : body.slice(0, nameEnd);
  const lowerName = written.toLowerCase();
  const name = lowerName as SpfMechanismName;
  const rest = nameEnd < 0 ? '' : body.slice(nameEnd);
  const restOffset = base + written.length;

  if (!MECHANISMS.includes(name)) {
    let message = `"${written}" is not a mechanism (all, include, a, mx, ptr, ip4, ip6, exists) nor a modifier (RFC 7208 4.6.1, 5).`;
    if (lowerName === 'redirect' || lowerName === 'exp') {
      message = `"${written}" is a modifier and must be written ${lowerName}=<domain>, not with ":" (RFC 7208 6).`;
    } else if (/^[^:/]*=/.test(raw)) {
      const modifierName = raw.slice(0, raw.indexOf('='));
      message = modifierName === ''
        ? 'A modifier needs a name before "=" (RFC 7208 12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )).'
        : `"${modifierName}" is not a valid modifier name: it must start with a letter and hold only letters, digits, "-", "_" and "." (RFC 7208 12).`;
    }
    return invalid(index, raw, position, [{ offset: 0, message }]);
  }

  const term: SpfMechanismTerm = {
    kind: 'mechanism', index, raw, position, mechanism: name, qualifier, qualifierExplicit,
    domainSpec: null, macroLetters: [], network: null, cidr4: null, cidr6: null,
    countsLookup: LOOKUP_MECHANISMS.includes(name),
  };
  const notes: string[] = [];

  switch (name) {
    case 'all': {
      if (rest !== '') return invalid(index, raw, position, [{ offset: restOffset, message: '"all" takes no argument or prefix length (RFC 7208 5.1).' }]);
      if (qualifier === '+') notes.push(`"${raw}" passes every host on the internet; a record should end in "-all" or "~all".`);
      break;
    }
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':')) {
        return invalid(index, raw, position, [{ offset: restOffset, message: `"${written}" needs a target: ${name}:<domain-spec> (RFC 7208 ${name === 'include' ? '5.2' : '5.7'}).` }]);
      }
      const spec = rest.slice(1);
      const parse = parseDomainSpec(spec);
      if (parse.errors.length > 0) return invalid(index, raw, position, macroErrors(parse, restOffset + 1));
      term.domainSpec = spec;
      term.macroLetters = parse.letters;
      break;
    }
    case 'a':
    case 'mx':
    case 'ptr': {
      // A / MX = name [ ":" domain-spec ] [ dual-cidr-length ]; PTR = "ptr" [ ":" domain-spec ]
      let spec = rest;
      if (name !== 'ptr') {
        const cidr = /^(.*?)(?:\/([0-9]+))?(?:\/\/([0-9]+))?$/s.exec(rest);
        if (cidr && (cidr[2] !== undefined || cidr[3] !== undefined)) {
          spec = cidr[1];
          const cidrOffset = restOffset + spec.length;
          if (spec !== '' && !spec.startsWith(':')) {
            return invalid(index, raw, position, [{ offset: restOffset, message: `"${rest}" after "${written}" is neither ":" domain-spec nor a prefix length like /24, //64 or /24//64 (RFC 7208 5.3, 5.4).` }]);
          }
          if (cidr[2] !== undefined) {
            const value = cidrValue(cidr[2], 32, 'IPv4');
            if (typeof value === 'string') return invalid(index, raw, position, [{ offset: cidrOffset, message: value }]);
            term.cidr4 = value;
          }
          if (cidr[3] !== undefined) {
            const value = cidrValue(cidr[3], 128, 'IPv6');
            if (typeof value === 'string') return invalid(index, raw, position, [{ offset: cidrOffset, message: value }]);
            term.cidr6 = value;
          }
        }
      }
      if (spec !== '') {
        if (!spec.startsWith(':')) {
          const message = name === 'ptr'
            ? '"ptr" takes only an optional ":" domain-spec, no prefix length (RFC 7208 5.5).'
            : `"${rest}" after "${written}" is neither ":" domain-spec nor a prefix length like /24, //64 or /24//64 (RFC 7208 5.3, 5.4).`;
          return invalid(index, raw, position, [{ offset: restOffset, message }]);
        }
        const domainSpec = spec.slice(1);
        const parse = parseDomainSpec(domainSpec);
        if (parse.errors.length > 0) return invalid(index, raw, position, macroErrors(parse, restOffset + 1));
        term.domainSpec = domainSpec;
        term.macroLetters = parse.letters;
      }
      if (name === 'ptr') notes.push('"ptr" is slow and unreliable; RFC 7208 5.5 says it SHOULD NOT be published.');
      break;
    }
    case 'ip4':
    case 'ip6': {
      if (!rest.startsWith(':')) {
        return invalid(index, raw, position, [{ offset: restOffset, message: `"${written}" needs an address: ${name}:<network>[/<prefix>] (RFC 7208 5.6).` }]);
      }
      const value = rest.slice(1);
      const slash = value.indexOf('/');
      const network = slash < 0 ? value : value.slice(0, slash);
      const valid = name === 'ip4' ? IP4_NETWORK.test(network) : isIPv6(network) && !network.includes('%');
      if (!valid) {
        const hint = name === 'ip4' ? 'a full dotted quad without leading zeros' : 'an IPv6 address';
        return invalid(index, raw, position, [{ offset: restOffset + 1, message: `"${network}" is not ${hint} (RFC 7208 5.6).` }]);
      }
      term.network = network;
      if (slash >= 0) {
        const digits = value.slice(slash + 1);
        const family = name === 'ip4' ? 'IPv4' : 'IPv6';
        const parsed = cidrValue(digits, name === 'ip4' ? 32 : 128, family);
        if (typeof parsed === 'string') return invalid(index, raw, position, [{ offset: restOffset + 1 + slash, message: parsed }]);
        if (name === 'ip4') term.cidr4 = parsed; else term.cidr6 = parsed;
      }
      break;
    }
  }
  return { term, errors: [], notes };
}

function parseModifier(index: number, raw: string, position: number, nameWritten: string): TermParse {
  const name = nameWritten.toLowerCase();
  const value = raw.slice(nameWritten.length + 1);
  const valueOffset = nameWritten.length + 1;
  const known = name === 'redirect' || name === 'exp';
  const parse = known ? parseDomainSpec(value) : parseMacroString(value, 'domain-spec');
  if (parse.errors.length > 0) {
    const errors = known && value === ''
      ? [{ offset: valueOffset, message: `"${name}=" needs a domain-spec (RFC 7208 ${name === 'redirect' ? '6.1' : '6.2'}).` }]
      : macroErrors(parse, valueOffset);
    return invalid(index, raw, position, errors);
  }
  const term: SpfModifierTerm = {
    kind: 'modifier', index, raw, position, name, value, known, macroLetters: parse.letters, countsLookup: name === 'redirect',
  };
  const notes = known ? [] : [`Unknown modifier "${nameWritten}" is ignored (RFC 7208 6).`];
  return { term, errors: [], notes };
}

/** Parses one SPF record. Never throws: problems are in `errors`, with positions. */
export function parseSpf(record: string): ParsedSpf {
  const result: ParsedSpf = {
    record, version: '', valid: false, terms: [], errors: [], notes: [], redirect: null, exp: null, all: null, lookupTerms: 0,
  };
  if (!isSpfRecord(record)) {
    const first = /^[^ ]*/.exec(record)?.[0] ?? '';
    result.errors.push({ position: 0, term: first, termIndex: null, message: 'The text is not an SPF record: it must begin with "v=spf1" followed by a space or the end (RFC 7208 4.5).' });
    return result;
  }
  result.version = record.slice(0, 6);

  // terms = *( 1*SP ( directive / modifier ) ), record = version terms *SP (RFC 7208 4.6.1, 12):
  // only SP separates terms, so a tab or CR stays inside a term and makes it invalid.
  const pieces: { raw: string; position: number }[] = [];
  const re = /[^ ]+/g;
  re.lastIndex = 6;
  for (let m = re.exec(record); m; m = re.exec(record)) pieces.push({ raw: m[0], position: m.index });

  const errors: SpfSyntaxError[] = [];
  const notes: SpfNote[] = [];
  for (const [index, piece] of pieces.entries()) {
    const { raw, position } = piece;
    let parse: TermParse;
    const bad = /[^\x21-\x7e]/.exec(raw);
    if (bad) {
      const code = raw.charCodeAt(bad.index);
      parse = invalid(index, raw, position, [{
        offset: bad.index,
        message: `The term holds the character U+${code.toString(16).toUpperCase().padStart(4, '0')}; a record is visible ASCII with terms separated by spaces only (RFC 7208 3.1, 4.6.1).`,
      }]);
    } else {
      const modifier = MODIFIER.exec(raw);
      parse = modifier ? parseModifier(index, raw, position, modifier[1]) : parseDirective(index, raw, position);
    }
    result.terms.push(parse.term);
    for (const e of parse.errors) errors.push({ position: position + e.offset, term: raw, termIndex: index, message: e.message });
    for (const n of parse.notes) notes.push({ position, term: raw, termIndex: index, message: n });

    const term = parse.term;
    if (term.kind === 'modifier' && term.known) {
      const slot = term.name === 'redirect' ? 'redirect' : 'exp';
      if (result[slot] !== null) {
        errors.push({ position, term: raw, termIndex: index, message: `"${term.name}" appears more than once; each of redirect and exp may appear at most once (RFC 7208 6).` });
      } else {
        result[slot] = index;
      }
    }
    if (term.kind === 'mechanism' && term.mechanism === 'all' && result.all === null) result.all = index;
  }

  for (const term of result.terms) {
    if (term.kind !== 'invalid' && term.countsLookup && !(term.kind === 'modifier' && term.index !== result.redirect)) result.lookupTerms += 1;
  }
  if (result.all !== null) {
    const after = result.terms.find((t) => t.kind === 'mechanism' && t.index > result.all!);
    if (after) notes.push({ position: after.position, term: after.raw, termIndex: after.index, message: 'Mechanisms after "all" are never evaluated (RFC 7208 5.1).' });
    if (result.redirect !== null) {
      const redirect = result.terms[result.redirect];
      notes.push({ position: redirect.position, term: redirect.raw, termIndex: redirect.index, message: 'redirect is ignored because the record has an "all" mechanism (RFC 7208 6.1).' });
    }
  }
  result.errors = errors.sort((a, b) => a.position - b.position);
  result.notes = notes.sort((a, b) => a.position - b.position);
  result.valid = result.errors.length === 0;
  return result;
}
