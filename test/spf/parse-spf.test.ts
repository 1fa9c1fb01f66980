import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSpfRecord, parseSpf } from '../../src/spf/parse-spf.ts';
import type { SpfMechanismTerm, SpfModifierTerm } from '../../src/spf/spf-types.ts';

function errorsOf(record: string): [number, string, string][] {
  return parseSpf(record).errors.map((e) => [e.position, e.term, e.message]);
}

function mechanism(record: string, index = 0): SpfMechanismTerm {
  const term = parseSpf(record).terms[index];
  assert.equal(term.kind, 'mechanism', `${record}: term ${index} is ${term.kind}`);
  return term as SpfMechanismTerm;
}

function firstError(record: string): string {
  const errors = parseSpf(record).errors;
  assert.ok(errors.length > 0, `${record} should have a syntax error`);
  return errors[0].message;
}

describe('isSpfRecord (RFC 7208 4.5)', () => {
  it('needs "v=spf1" in any case followed by a space or the end', () => {
    for (const yes of ['v=spf1', 'v=spf1 -all', 'V=SpF1 ~all', 'v=spf1 ']) assert.equal(isSpfRecord(yes), true, yes);
    for (const no of ['v=spf10', 'v=spf1mx', ' v=spf1 -all', 'v=spf2 -all', 'spf1', '', 'v=spf1\t-all']) assert.equal(isSpfRecord(no), false, no);
  });
});

describe('parseSpf', () => {
  it('keeps every term with its raw text, position and qualifier', () => {
    const parsed = parseSpf('v=spf1  +a -mx ~ptr ?include:_spf.example.com all ');
    assert.equal(parsed.valid, true);
    assert.equal(parsed.version, 'v=spf1');
    assert.deepEqual(parsed.terms.map((t) => [t.raw, t.position]), [
      ['+a', 8], ['-mx', 11], ['~ptr', 15], ['?include:_spf.example.com', 20], ['all', 46],
    ]);
    assert.deepEqual(parsed.terms.map((t) => (t as SpfMechanismTerm).qualifier), ['+', '-', '~', '?', '+']);
    assert.deepEqual(parsed.terms.map((t) => (t as SpfMechanismTerm).qualifierExplicit), [true, true, true, true, false]);
    assert.equal(parsed.all, 4);
    assert.equal(parsed.lookupTerms, 4);
  });

  it('parses +all, ?all and a record without all', () => {
    assert.equal(mechanism('v=spf1 +all').qualifier, '+');
    assert.match(parseSpf('v=spf1 +all').notes[0].message, /passes every host/);
    assert.equal(mechanism('v=spf1 ?all').qualifier, '?');
    const none = parseSpf('v=spf1 ip4:192.0.2.1');
    assert.equal(none.valid, true);
    assert.equal(none.all, null);
    const empty = parseSpf('v=spf1');
    assert.deepEqual([empty.valid, empty.terms.length], [true, 0]);
  });

  it('reads dual CIDR lengths on a and mx', () => {
    const pick = (r: string, i = 0): [string | null, number | null, number | null] => {
      const m = mechanism(r, i);
      return [m.domainSpec, m.cidr4, m.cidr6];
    };
    assert.deepEqual(pick('v=spf1 a:host.example.com/24//64'), ['host.example.com', 24, 64]);
    assert.deepEqual(pick('v=spf1 mx/24'), [null, 24, null]);
    assert.deepEqual(pick('v=spf1 a//64'), [null, null, 64]);
    assert.deepEqual(pick('v=spf1 a/0//0'), [null, 0, 0]);
    assert.deepEqual(pick('v=spf1 mx:foo:bar/baz.example.com'), ['foo:bar/baz.example.com', null, null]);
    assert.match(firstError('v=spf1 a/24/64'), /"\/24\/64" is not a prefix length: a takes \/<0-32>, \/\/<0-128> or both/);
    assert.match(firstError('v=spf1 a/33'), /over 32/);
    assert.match(firstError('v=spf1 mx//129'), /over 128/);
    assert.match(firstError('v=spf1 a/024'), /"\/024" has a leading zero/);
    assert.match(firstError('v=spf1 ptr/0'), /no prefix length/);
    assert.match(firstError('v=spf1 include:example.com/24'), /include takes no prefix length/);
    assert.match(firstError('v=spf1 exists:example.com/24'), /exists takes no prefix length/);
  });

  it('validates ip4 and ip6 networks and prefix lengths (RFC 7208 5.6)', () => {
    assert.deepEqual([mechanism('v=spf1 ip4:192.0.2.0/24').network, mechanism('v=spf1 ip4:192.0.2.0/24').cidr4], ['192.0.2.0', 24]);
    assert.deepEqual([mechanism('v=spf1 ip6:2001:db8::/32').network, mechanism('v=spf1 ip6:2001:db8::/32').cidr6], ['2001:db8::', 32]);
    assert.equal(mechanism('v=spf1 ip6:::FFFF:1.2.3.4').network, '::FFFF:1.2.3.4');
    assert.equal(mechanism('v=spf1 ip6:::1.1.1.1/0').cidr6, 0);
    assert.match(firstError('v=spf1 ip4:192.0.2.1/33'), /over 32/);
    assert.match(firstError('v=spf1 ip4:192.0.2.1/032'), /"\/032" has a leading zero/);
    assert.match(firstError('v=spf1 ip4:192.0.02.1'), /"02" has a leading zero/);
    assert.match(firstError('v=spf1 ip4:192.0.2'), /"192\.0\.2" has 3 parts/);
    assert.match(firstError('v=spf1 ip4:192.0.2.1:8080'), /":8080" looks like a port/);
    assert.match(firstError('v=spf1 ip4:192.0.2.1//32'), /only a and mx take/);
    assert.match(firstError('v=spf1 ip4'), /needs an address/);
    assert.match(firstError('v=spf1 ip6:::1/129'), /over 128/);
    assert.match(firstError('v=spf1 ip6:::1//33'), /only a and mx take/);
    assert.match(firstError('v=spf1 ip6::CAFE::BABE'), /not an IPv6 address/);
    assert.match(firstError('v=spf1 ip6:fe80::1%eth0'), /"%eth0" is a zone index/);
    assert.match(firstError('v=spf1 ip6:192.0.2.1'), /is an IPv4 address: write ip4:192\.0\.2\.1/);
  });

  it('checks that a domain-spec ends in a top label or a macro (RFC 7208 7.1)', () => {
    for (const ok of ['a:foo.example.com', 'a:foo.example.com.', 'a:%{H}', 'a:foo.example.xn--zckzah', 'exists:%{i}._spf.%{d2}', 'a:foo.%%']) {
      assert.equal(parseSpf(`v=spf1 ${ok}`).valid, true, ok);
    }
    assert.match(firstError('v=spf1 a:foo-bar'), /no top label/);
    assert.match(firstError('v=spf1 a:museum'), /no top label/);
    assert.match(firstError('v=spf1 a:museum.'), /no top label/);
    assert.match(firstError('v=spf1 a:111.222.33.44'), /is an IP address, not a domain: write ip4:111\.222\.33\.44/);
    assert.match(firstError('v=spf1 a:example.-com'), /"-com" is not a valid top label/);
    assert.match(firstError('v=spf1 a:example.com:8080'), /":8080" looks like a port/);
    assert.match(firstError('v=spf1 a:'), /empty/);
    assert.match(firstError('v=spf1 include'), /needs a target/);
    assert.match(firstError('v=spf1 exists'), /needs a target/);
  });

  it('validates macros (RFC 7208 7.1, 7.2)', () => {
    assert.deepEqual(mechanism('v=spf1 exists:%{ir}.%{l1r-}.%{d2}._spf.example.com').macroLetters, ['i', 'l', 'd']);
    assert.equal(parseSpf('v=spf1 a:macro%%percent%_%_space%-url-space.example.com').valid, true);
    assert.match(firstError('v=spf1 a:%{a}.example.com'), /"a" is not a macro letter/);
    assert.match(firstError('v=spf1 -all exp=%{r}.example.com'), /only in explanation text/);
    assert.match(firstError('v=spf1 exists:%{c}.example.com'), /only in explanation text/);
    assert.match(firstError('v=spf1 exists:%{d0}.example.com'), /nonzero/);
    assert.match(firstError('v=spf1 exists:%(ir).example.com'), /must be followed by/);
    assert.match(firstError('v=spf1 exists:foo%.example.com'), /must be followed by/);
    assert.match(firstError('v=spf1 exists:%{ir.example.com'), /not closed/);
    assert.match(firstError('v=spf1 exists:%{i5x}.example.com'), /is not a macro/);
    assert.equal(parseSpf('v=spf1 exists:%{I10R-+,/_=}.example.com').valid, true);
  });

  it('handles modifiers: redirect and exp once each, unknown ones noted (RFC 7208 6)', () => {
    const parsed = parseSpf('v=spf1 REDIRECT=_spf.example.com exp=explain.%{d} moo.cow-far_out=man:dog/cat');
    assert.equal(parsed.valid, true);
    assert.deepEqual(parsed.terms.map((t) => [(t as SpfModifierTerm).name, (t as SpfModifierTerm).known]), [['redirect', true], ['exp', true], ['moo.cow-far_out', false]]);
    assert.equal(parsed.redirect, 0);
    assert.equal(parsed.exp, 1);
    assert.equal(parsed.lookupTerms, 1);
    assert.deepEqual(parsed.notes.map((n) => n.term), ['moo.cow-far_out=man:dog/cat']);
    assert.match(parsed.notes[0].message, /Unknown modifier .* ignored/);

    assert.deepEqual(errorsOf('v=spf1 redirect=a.example.com redirect=b.example.com'), [
      [30, 'redirect=b.example.com', '"redirect" appears more than once; each of redirect and exp may appear at most once (RFC 7208 6).'],
    ]);
    assert.match(firstError('v=spf1 exp=a.example.com -all exp=b.example.com'), /more than once/);
    assert.match(firstError('v=spf1 redirect='), /needs a domain-spec/);
    assert.match(firstError('v=spf1 exp= -all'), /needs a domain-spec/);
    assert.match(firstError('v=spf1 exp=-all'), /top label/);
    assert.match(firstError('v=spf1 foo=%abc'), /must be followed by/);
    assert.match(firstError('v=spf1 1up=foo'), /"1up" is not a valid modifier name/);
    assert.match(firstError('v=spf1 =all'), /needs a name/);
    assert.match(firstError('v=spf1 redirect:example.com'), /is a modifier and must be written redirect=<domain>/);
    assert.equal(parseSpf('v=spf1 default=+').valid, true);
  });

  it('notes redirect ignored next to all, and mechanisms after all', () => {
    const parsed = parseSpf('v=spf1 -all a redirect=x.example.com');
    assert.deepEqual(parsed.notes.map((n) => [n.term, n.position]), [['a', 12], ['redirect=x.example.com', 14]]);
    assert.match(parsed.notes[1].message, /6\.1/);
  });

  it('rejects unknown mechanisms and malformed all with the position of the term', () => {
    assert.deepEqual(errorsOf('v=spf1 ip4:192.0.2.1 -all moo'), [
      [26, 'moo', '"moo" is not a mechanism (all, include, a, mx, ptr, ip4, ip6, exists) nor a modifier (RFC 7208 4.6.1, 5).'],
    ]);
    assert.match(firstError('v=spf1 -all.'), /"all\." is not a mechanism/);
    assert.match(firstError('v=spf1 -all:foobar'), /no argument/);
    assert.match(firstError('v=spf1 -all/8'), /no argument/);
    assert.match(firstError('v=spf1 moo.cow/far_out=man:dog/cat'), /"moo.cow" is not a mechanism/);
  });

  it('rejects control and non-ASCII characters, pointing at the character', () => {
    assert.deepEqual(errorsOf('v=spf1 a:ctrl.example.com\rptr -all').map((e) => [e[0], e[1]]), [[25, 'a:ctrl.example.com\rptr']]);
    assert.match(firstError('v=spf1 a:ctrl.example.com\rptr -all'), /U\+000D/);
    assert.match(firstError('v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net -all'), /U\+00EF/);
    assert.match(firstError('v=spf1 ip4:192.0.2.5\n include:x.example.com'), /U\+000A/);
    assert.match(firstError('v=spf1 a:foo.example.com\0'), /U\+0000/);
  });

  it('reports text that is not an SPF record', () => {
    const parsed = parseSpf('v=spf10 -all');
    assert.equal(parsed.valid, false);
    assert.deepEqual(parsed.terms, []);
    assert.deepEqual([parsed.errors[0].position, parsed.errors[0].term], [0, 'v=spf10']);
  });

  it('marks the lookup-counting terms', () => {
    const parsed = parseSpf('v=spf1 include:a.example.com a mx ptr exists:x.example.com ip4:192.0.2.1 ip6:::1 all');
    assert.deepEqual(parsed.terms.map((t) => (t as SpfMechanismTerm).countsLookup), [true, true, true, true, true, false, false, false]);
    assert.equal(parsed.lookupTerms, 5);
  });

  it('produces plain JSON data', () => {
    const parsed = parseSpf('v=spf1 a:%{d}.example.com/24//64 redirect=x.example.com foo=bar -all moo');
    assert.deepEqual(JSON.parse(JSON.stringify(parsed)), parsed);
  });
});
