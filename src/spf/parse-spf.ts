// SPF record parser (RFC 7208 4.5, 4.6, 5, 6, 7, 12). Pure: text in, plain data out. Every
// term keeps its raw text and character offset so a renderer can point at the exact spot.

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
import { domainSpecHint, dualPrefix, ip4NetworkError, ip6NetworkError, prefixAfterDomain, singlePrefix } from './term-errors.ts';

const MECHANISMS: readonly SpfMechanismName[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];

/** RFC 7208 4.6.4: the terms that cause DNS queries and count toward the limit of 10. */
const LOOKUP_MECHANISMS: readonly SpfMechanismName[] = ['include', 'a', 'mx', 'ptr', 'exists'];

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ); a term is a modifier when "=" follows the name (RFC 7208 4.6.1, 12)
const MODIFIER = /^([A-Za-z][A-Za-z0-9\-_.]*)=/;


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

/**
 * The errors of a domain-spec that does not parse: the clearer cause when one is recognisable
 * (an IP address, a port, a prefix length where none belongs), else the macro parser's own.
 */
function domainSpecErrors(spec: string, parse: MacroStringParse, base: number, term: string, section: string): { offset: number; message: string }[] {
  const hint = spec === '' ? null : domainSpecHint(spec, term, section);
  return hint ? [{ offset: base + hint.offset, message: hint.message }] : macroErrors(parse, base);
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
    if (qualifierExplicit && body === '') {
      message = `The qualifier "${raw}" is not followed by a mechanism (RFC 7208 4.6.2: directive = [ qualifier ] mechanism).`;
    } else if (qualifierExplicit && '+-~?'.includes(body.charAt(0))) {
      message = `"${raw}" has two qualifiers; a directive has at most one, before its mechanism (RFC 7208 4.6.2).`;
    } else if (written === '' && (rest.startsWith('/') || rest.startsWith(':'))) {
      message = `"${raw}" has no mechanism name before it; a prefix length or target must follow its mechanism without a space (RFC 7208 4.6.1).`;
    } else if (lowerName === 'redirect' || lowerName === 'exp') {
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
      if (parse.errors.length > 0) return invalid(index, raw, position, domainSpecErrors(spec, parse, restOffset + 1, name, name === 'include' ? '5.2' : '5.7'));
      term.domainSpec = spec;
      term.macroLetters = parse.letters;
      break;
    }
    case 'a':
    case 'mx':
    case 'ptr': {
      // A / MX = name [ ":" domain-spec ] [ dual-cidr-length ]; PTR = "ptr" [ ":" domain-spec ].
      // The prefix lengths start at the first "/" after the domain's last label.
      const section = name === 'a' ? '5.3' : name === 'mx' ? '5.4' : '5.5';
      let spec = rest;
      if (name !== 'ptr' && rest !== '') {
        const slash = rest.startsWith('/') ? 0 : rest.startsWith(':') ? prefixAfterDomain(rest.slice(1)) : -1;
        const at = rest.startsWith('/') ? 0 : slash === -1 ? -1 : slash + 1;
        if (at !== -1) {
          spec = rest.slice(0, at);
          const dual = dualPrefix(rest.slice(at), name);
          if ('message' in dual) return invalid(index, raw, position, [{ offset: restOffset + at + dual.offset, message: dual.message }]);
          term.cidr4 = dual.cidr4;
          term.cidr6 = dual.cidr6;
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
        if (parse.errors.length > 0) return invalid(index, raw, position, domainSpecErrors(domainSpec, parse, restOffset + 1, name, section));
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
      // ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ], ip6 likewise (RFC 7208 5.6).
      const value = rest.slice(1);
      const slash = value.indexOf('/');
      const network = slash < 0 ? value : value.slice(0, slash);
      const bad = name === 'ip4' ? ip4NetworkError(network) : ip6NetworkError(network);
      if (bad) return invalid(index, raw, position, [{ offset: restOffset + 1 + bad.offset, message: bad.message }]);
      term.network = network;
      if (slash >= 0) {
        const parsed = singlePrefix(value.slice(slash), name, network);
        if (typeof parsed !== 'number') return invalid(index, raw, position, [{ offset: restOffset + 1 + slash + parsed.offset, message: parsed.message }]);
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
    const section = name === 'redirect' ? '6.1' : '6.2';
    const errors = known && value === ''
      ? [{ offset: valueOffset, message: `"${name}=" needs a domain-spec (RFC 7208 ${section}).` }]
      : known ? domainSpecErrors(value, parse, valueOffset, name, section) : macroErrors(parse, valueOffset);
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
